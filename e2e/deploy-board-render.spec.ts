import { expect, Page, test } from '@playwright/test';
import { signInAsGuestAt } from './portalHelpers';
import path from 'node:path';
import { syntheticBoard } from '../plugins/deploy-board/src/testing/syntheticBoard';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');
const PODS = 2000;

// The guest sign-in of portal.spec.ts, on the page to test: the sign-in page shows at any path and
// the app then renders that path (a page.goto after signing in would sign out again).
/** The User Timing measure the board component records (see renderTiming.ts), once painted. */
async function readTiming(page: Page) {
  const handle = await page.waitForFunction(() => {
    const last = (name: string) => {
      const entries = performance.getEntriesByName(name, 'measure');
      return entries[entries.length - 1] as PerformanceMeasure | undefined;
    };
    const render = last('deploy-board:render');
    const paint = last('deploy-board:paint');
    if (!render || !paint) return undefined;
    return {
      render: render.duration,
      paint: paint.duration,
      pods: (paint.detail as { pods: number }).pods,
    };
  });
  return (await handle.jsonValue())!;
}

test('the deploy board renders a 2,000-pod board from the backend', async ({
  page,
}) => {
  const board = syntheticBoard({
    pods: PODS,
    clusterStates: {
      'gke-staging-b': {
        state: 'unreachable',
        lastSeen: new Date(Date.now() - 12 * 60_000).toISOString(),
        message: 'dial tcp 10.0.3.7:443: i/o timeout',
      },
    },
  });
  board.generatedAt = new Date().toISOString();
  const streamRequests: string[] = [];
  await page.route('**/api/deploy-board/boards/**', async route => {
    const { pathname } = new URL(route.request().url());
    if (pathname.endsWith('/stream')) {
      // Held open and silent, as a live stream between two changes: the board must come from GET.
      streamRequests.push(pathname);
      return;
    }
    await route.fulfill({ json: board });
  });

  await signInAsGuestAt(
    page,
    '/catalog/default/component/ai-gateway/deploy-board',
  );

  await expect(page.getByRole('tab', { name: 'Deploy board' })).toBeVisible();
  await expect(page.locator('[data-pod]')).toHaveCount(PODS);
  const timing = await readTiming(page);
  expect(timing.pods).toBe(PODS);
  // eslint-disable-next-line no-console
  console.log(
    `deploy-board render: ${timing.pods} pods in ${timing.paint.toFixed(
      1,
    )} ms ` + `(DOM committed after ${timing.render.toFixed(1)} ms)`,
  );

  await expect(
    page.getByRole('region', { name: 'environment production' }),
  ).toBeVisible();
  await expect(page.getByText('canary — 10% of pods').first()).toBeVisible();
  await expect(page.getByRole('alert')).toContainText(
    /cluster gke-staging-b unreachable since \d\d:\d\d — showing what was last seen/,
  );
  await expect.poll(() => streamRequests.length).toBeGreaterThan(0);

  // The entity page scrolls inside its own container, so a full-page screenshot stops at the
  // viewport: make the viewport as tall as the board instead.
  const boardHeight = await page
    .locator('[data-board-revision]')
    .evaluate(element => element.getBoundingClientRect().bottom + 48);
  await page.setViewportSize({ width: 1440, height: Math.ceil(boardHeight) });
  await page.screenshot({ path: `${shots}/deploy-board-2000.png` });

  await page.setViewportSize({ width: 1440, height: 900 });
  const square = page.locator('[data-pod]').nth(5);
  await square.hover();
  const tooltip = page.getByRole('tooltip');
  await expect(tooltip).toContainText('restarts');
  await expect(tooltip).toContainText('node-');
  // Wait for the fade-in so the screenshot shows the tooltip as the user reads it.
  await expect
    .poll(() =>
      tooltip.evaluate(
        element =>
          getComputedStyle(element.firstElementChild ?? element).opacity,
      ),
    )
    .toBe('1');
  await page.screenshot({ path: `${shots}/deploy-board-tooltip.png` });

  await page.getByRole('tab', { name: 'Overview' }).click();
  const summary = page.getByRole('table', { name: 'deploy board summary' });
  await expect(summary.getByRole('row')).toHaveCount(3);
  await expect(summary).toContainText('gke-staging-b unreachable');
  await summary.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/deploy-board-card.png` });
});
