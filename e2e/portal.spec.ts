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

test('a guest signs in, browses the catalog, opens a service and its docs', async ({
  page,
}) => {
  await signInAsGuest(page);

  await expect(page.getByText('Groundcrew Catalog')).toBeVisible();
  // The demo user owns ai-gateway (through team-ai): the default "Owned" filter shows it alone.
  const table = page.getByRole('table');
  await expect(table.getByRole('link', { name: 'AI Gateway' })).toBeVisible();
  await expect(table.getByRole('link', { name: 'Checkout API' })).toHaveCount(0);
  await page.getByText('All', { exact: true }).click();
  for (const name of ['AI Gateway', 'Checkout API', 'Search Indexer']) {
    await expect(table.getByRole('link', { name })).toBeVisible();
  }
  await page.screenshot({ path: `${shots}/catalog.png`, fullPage: true });

  await table.getByRole('link', { name: 'AI Gateway' }).click();
  await expect(page.getByRole('heading', { name: 'AI Gateway' })).toBeVisible();
  await expect(page.getByText('Routes model requests to providers')).toBeVisible();
  await expect(page.getByText('team-ai').first()).toBeVisible();
  await page.screenshot({ path: `${shots}/component.png`, fullPage: true });

  await page.getByRole('tab', { name: 'Docs' }).click();
  // The first visit builds the docs with mkdocs.
  await expect(
    page.getByRole('heading', { name: 'Where it runs' }),
  ).toBeVisible({ timeout: 90_000 });
  await page.screenshot({ path: `${shots}/docs.png`, fullPage: true });
});

test('the project documentation renders in TechDocs', async ({ page }) => {
  await signInAsGuest(page, '/docs/default/component/groundcrew-docs');
  await expect(
    page.getByRole('heading', { name: 'Getting started' }).first(),
  ).toBeVisible({ timeout: 90_000 });
  await page.screenshot({ path: `${shots}/project-docs.png`, fullPage: true });
});

test('with the backend unreachable the catalog shows an error panel, not a blank page', async ({
  page,
}) => {
  await signInAsGuest(page);
  await expect(page.getByText('Groundcrew Catalog')).toBeVisible();
  await page.route('**/api/catalog/**', route =>
    route.abort('connectionrefused'),
  );
  await page.getByText('All', { exact: true }).click();
  await expect(page.getByText(/Error|Warning|failed/i).first()).toBeVisible();
  await expect(page.locator('body')).not.toHaveText('');
  await page.screenshot({ path: `${shots}/backend-down.png`, fullPage: true });
});
