import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signInAsGuestAt } from './portalHelpers';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

test('a failing pod says why: its reason on hover, its Events in the pod panel', async ({
  page,
}) => {
  // The demo's search-indexer-backfill on gke-ops runs a command that exits: a crash loop.
  await signInAsGuestAt(
    page,
    '/catalog/default/component/search-indexer/deploy-board',
  );
  const failing = page.locator('[data-pod][data-pod-trouble]').first();
  await expect(failing).toBeVisible({ timeout: 60_000 });
  await expect(failing).toHaveAttribute('aria-label', /\(CrashLoopBackOff\)$/);

  await failing.hover();
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toContainText('CrashLoopBackOff');
  await expect(tooltip).toContainText('BackOff');
  await expect(tooltip).toContainText(
    'Back-off restarting failed container app',
  );
  await page.screenshot({
    path: `${shots}/deploy-board-pod-tooltip.png`,
    fullPage: true,
  });

  await failing.click();
  const panel = page.locator('[data-pod-panel]');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('search-indexer-backfill-');
  await expect(panel).toContainText(
    'gke-ops · search-indexer · search-indexer-backfill',
  );
  const events = page.getByRole('table', { name: 'pod events' });
  await expect(events.locator('tr[data-event-reason="BackOff"]')).toContainText(
    'Back-off restarting failed container app in pod search-indexer-backfill-',
  );
  await expect(events.locator('tr[data-event-reason="BackOff"]')).toContainText(
    'Warning',
  );
  await expect(page.getByLabel('pod details')).toContainText(
    'CrashLoopBackOff',
  );
  await page.screenshot({
    path: `${shots}/deploy-board-pod-panel.png`,
    fullPage: false,
  });

  await page.getByRole('button', { name: 'close' }).click();
  await expect(panel).toBeHidden();
});
