import path from 'node:path';
import { Browser, expect, Page, test } from '@playwright/test';
import { signInWithOidc } from './signIn';

const appUrl = () => process.env.GROUNDCREW_E2E_APP_URL!;
const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');
const ACCESS = '/catalog/default/component/ai-gateway/access';

async function backendReady() {
  const backend = process.env.GROUNDCREW_E2E_BACKEND_URL!;
  await expect
    .poll(
      async () =>
        (
          await fetch(`${backend}/.backstage/health/v1/readiness`)
        ).status,
      { timeout: 120_000 },
    )
    .toBe(200);
}

/** A browser of its own per person: both stay signed in side by side. */
async function personAt(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  await signInWithOidc(page, email, { pathname: ACCESS });
  await page.goto(`${appUrl()}${ACCESS}`);
  return page;
}

test('a developer requests write access, a platform member approves, the developer sees APPROVED with the time left', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  await backendReady();

  // The developer (demo, team-ai) holds the read role of the namespace by default.
  const dev = await personAt(browser, 'demo@groundcrew.example');
  await expect(dev.getByText('What you can do now')).toBeVisible();
  await expect(
    dev.getByText('Teleport user demo on groundcrew-sandbox'),
  ).toBeVisible();
  await expect(dev.getByText('READ', { exact: true })).toBeVisible();
  await dev.getByRole('button', { name: 'Request write access' }).click();
  const ask = dev.getByRole('dialog');
  await ask.getByLabel('Reason').fill('Restart the stuck canary pods');
  await ask.getByText('1h', { exact: true }).click();
  await dev.getByRole('option', { name: '2h' }).click();
  await dev.screenshot({ path: `${shots}/teleport-access-request-dialog.png` });
  await ask.getByRole('button', { name: 'Request' }).click();
  await expect(ask).toHaveCount(0);
  const mine = dev.locator('[data-testid^="request-"]');
  await expect(mine).toHaveCount(1);
  await expect(mine.getByText('PENDING')).toBeVisible();
  await expect(dev.getByText('A request is waiting for review')).toBeVisible();
  await dev.screenshot({
    path: `${shots}/teleport-access-pending.png`,
    fullPage: true,
  });

  // The reviewer (pat, platform) sees it in their queue with the developer's reason.
  const reviewer = await personAt(browser, 'pat@groundcrew.example');
  await expect(reviewer.getByText('Waiting for your review')).toBeVisible();
  const queued = reviewer.locator('[data-testid^="request-"]', {
    hasText: 'Restart the stuck canary pods',
  });
  await expect(queued).toBeVisible();
  await expect(queued.getByText('demo', { exact: true })).toBeVisible();
  await queued.getByRole('button', { name: 'Approve' }).click();
  const review = reviewer.getByRole('dialog');
  await expect(review).toContainText('Restart the stuck canary pods');
  await review.getByLabel('Review reason').fill('OK, for the canary only');
  await reviewer.screenshot({ path: `${shots}/teleport-access-review.png` });
  await review.getByRole('button', { name: 'Approve' }).click();
  await expect(reviewer.getByText('Nothing to review.')).toBeVisible();

  // The developer's tab refreshes by itself: APPROVED, write access, about two hours left.
  await expect(mine.getByText('APPROVED', { exact: true })).toBeVisible({
    timeout: 30_000,
  });
  await expect(mine.getByText(/^1h 5\dm left$|^2h 0m left$/)).toBeVisible();
  await expect(dev.getByText(/^WRITE · (1h 5\dm|2h 0m) left$/)).toBeVisible();
  await expect(
    mine.getByText('pat: APPROVED — OK, for the canary only'),
  ).toBeVisible();
  await dev.screenshot({
    path: `${shots}/teleport-access-approved.png`,
    fullPage: true,
  });
});
