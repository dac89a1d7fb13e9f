import path from 'node:path';
import { expect, test } from '@playwright/test';
import { appUrl, signInAsGuestAt } from './portalHelpers';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

/** `rgb(r, g, b)` → [r, g, b] */
function rgb(color: string): number[] {
  return (color.match(/\d+/g) ?? []).slice(0, 3).map(Number);
}

test("a service's Secrets tab shows an overdue secret in red and a pod that needs a restart", async ({
  page,
}) => {
  await signInAsGuestAt(
    page,
    '/catalog/default/component/checkout-api/secrets',
  );

  // Rotated 45 days ago on a 720h policy: overdue, in red.
  const stripe = page.locator('[data-secret="secret/checkout-api/stripe-key"]');
  await expect(stripe).toBeVisible();
  const chip = stripe.locator('[data-status="overdue"]');
  await expect(chip).toBeVisible();
  const [r, g, b] = rgb(
    await chip.evaluate(el => getComputedStyle(el).backgroundColor),
  );
  expect(r).toBeGreaterThan(150);
  expect(g).toBeLessThan(110);
  expect(b).toBeLessThan(110);

  // Rotated two days ago; the pods started three days ago on the previous version.
  const db = page.locator('[data-secret="secret/checkout-api/db/password"]');
  await expect(db.locator('[data-status="fresh"]')).toBeVisible();
  await expect(
    db.getByText(/restart needed: checkout-api-/).first(),
  ).toBeVisible();

  await expect(page.getByTestId('secret-counts')).toContainText('1 overdue');
  await expect(
    page.getByText(/database\/creds\/checkout-api\//).first(),
  ).toBeVisible();
  // Metadata only: no secret value reached the page.
  expect(await page.content()).not.toContain('GROUNDCREW-CANARY');
  await page.screenshot({
    path: `${shots}/vault-secrets-tab.png`,
    fullPage: true,
  });

  await page.goto(`${appUrl()}/catalog/default/component/checkout-api`);
  const card = page.getByText(/pod\(s\) run on an older secret version/);
  await expect(card).toBeVisible();
  // The entity page scrolls inside its own container: bring the card into the viewport.
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/vault-secrets-card.png` });
});
