import { expect, Page, test } from '@playwright/test';
import path from 'node:path';

const appUrl = () => process.env.GROUNDCREW_E2E_APP_URL!;
const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

/** Opens a page of the portal and signs in as the guest there (each page load asks again). */
async function signInAsGuest(page: Page, path = '/') {
  await page.goto(`${appUrl()}${path}`);
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}

/**
 * TechDocs keeps the page transparent until every stylesheet of the built site has loaded: a site
 * that asks for an unreachable CDN stays invisible, though its text is in the DOM.
 */
async function expectDocsShown(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const host = document.querySelector(
            '[data-testid="techdocs-native-shadowroot"]',
          );
          return host?.shadowRoot?.querySelector('html')?.style.opacity;
        }),
      { timeout: 90_000 },
    )
    .toBe('1');
}

test('a guest signs in, browses the catalog, opens a service and its docs', async ({
  page,
}) => {
  await signInAsGuest(page);

  await expect(page.getByText('Groundcrew Catalog')).toBeVisible();
  // The demo user owns ai-gateway (through team-ai): the default "Owned" filter shows it alone.
  const table = page.getByRole('table');
  await expect(table.getByRole('link', { name: 'AI Gateway' })).toBeVisible();
  await expect(table.getByRole('link', { name: 'Checkout API' })).toHaveCount(
    0,
  );
  await page.getByText('All', { exact: true }).click();
  for (const name of ['AI Gateway', 'Checkout API', 'Search Indexer']) {
    await expect(table.getByRole('link', { name })).toBeVisible();
  }
  await page.screenshot({ path: `${shots}/catalog.png`, fullPage: true });

  await table.getByRole('link', { name: 'AI Gateway' }).click();
  await expect(page.getByRole('heading', { name: 'AI Gateway' })).toBeVisible();
  await expect(
    page.getByText('Routes model requests to providers'),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Team AI' }).first(),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/component.png`, fullPage: true });

  await page.getByRole('tab', { name: 'Docs' }).click();
  // The first visit builds the docs with mkdocs.
  await expect(
    page.getByRole('heading', { name: 'Where it runs' }),
  ).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0, {
    timeout: 90_000,
  });
  await expect(
    page.getByRole('heading', { name: 'Where it runs' }),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/docs.png`, fullPage: true });
});

test('the project documentation renders in TechDocs', async ({ page }) => {
  await signInAsGuest(page, '/docs/default/component/groundcrew-docs');
  // The first visit builds the docs with mkdocs.
  const main = page.getByRole('main');
  await expect(
    main.getByRole('heading', { name: 'Groundcrew', level: 1 }),
  ).toBeVisible({
    timeout: 90_000,
  });
  await main.getByRole('link', { name: 'Getting started' }).last().click();
  await expect(
    page.getByRole('heading', { name: 'Getting started', level: 1 }),
  ).toBeVisible();
  await expect(
    page.getByText('tools/yarn install --immutable && tools/yarn start'),
  ).toBeVisible();
  await expect(page.getByRole('progressbar')).toHaveCount(0, {
    timeout: 90_000,
  });
  await expect(
    page.getByRole('heading', { name: 'Getting started', level: 1 }),
  ).toBeVisible();
  await expectDocsShown(page);
  await page.screenshot({ path: `${shots}/project-docs.png`, fullPage: true });
});

test('with the backend unreachable the catalog shows an error panel, not a blank page', async ({
  page,
}) => {
  await signInAsGuest(page);
  await expect(page.getByText('Groundcrew Catalog')).toBeVisible();
  await page.getByText('All', { exact: true }).click();
  const link = page
    .getByRole('table')
    .getByRole('link', { name: 'Checkout API' });
  await expect(link).toBeVisible();
  // From here on the backend does not answer the catalog's calls.
  await page.route('**/api/catalog/**', route =>
    route.abort('connectionrefused'),
  );
  await link.click();
  await expect(page.getByText(/Failed to fetch/)).toBeVisible();
  // The rest of the portal is still there around the error.
  await expect(page.getByText('Search').first()).toBeVisible();
  await page.screenshot({ path: `${shots}/backend-down.png`, fullPage: true });
});
