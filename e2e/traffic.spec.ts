import path from 'node:path';
import { expect, test } from '@playwright/test';
import { sandboxKubeConfig, signInAsGuestAt } from './portalHelpers';
import {
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');
const CLUSTER = 'gke-prod-us-east1';
const ROUTE = 'HTTPRoute/ai-gateway/ai-gateway';

/** The real Kubernetes client, pointed at a cluster of the sandbox the portal runs against. */
function objectsApi(cluster: string) {
  return KubernetesObjectApi.makeApiClient(sandboxKubeConfig(cluster));
}

test('steps a canary from 5% to 25%, then follows a kubectl server-side apply live', async ({
  page,
}) => {
  await signInAsGuestAt(page, '/catalog/default/component/ai-gateway/traffic');
  const panel = page.locator(
    `[data-testid="traffic-route"][data-route="${ROUTE}"][data-cluster="${CLUSTER}"]`,
  );
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await expect(panel).toHaveAttribute('data-canary-percent', '5');
  await expect(page.getByTestId('traffic-live')).toHaveText('Live', {
    timeout: 15_000,
  });
  await page.screenshot({
    path: `${shots}/traffic-before.png`,
    fullPage: true,
  });

  // A marker that a reload would wipe out.
  await page.evaluate(() => {
    (window as unknown as { noReload: boolean }).noReload = true;
  });

  // Next step, behind a confirmation that asks for a reason.
  await panel.getByRole('button', { name: 'Next step (25%)' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('canary 5% → 25%');
  await expect(
    dialog.getByRole('button', { name: 'Change traffic' }),
  ).toBeDisabled();
  await dialog.getByLabel('Reason').fill('Error rate flat for an hour at 5%');
  await page.screenshot({
    path: `${shots}/traffic-confirm.png`,
    fullPage: true,
  });
  await dialog.getByRole('button', { name: 'Change traffic' }).click();
  await expect(dialog).toBeHidden();

  // The bar and the history (table and chart) update.
  await expect(panel).toHaveAttribute('data-canary-percent', '25', {
    timeout: 15_000,
  });
  await expect(panel.locator('[data-canary="true"]')).toHaveText('canary 25%');
  const row = page.getByTestId('traffic-history-row').first();
  await expect(row).toContainText('Error rate flat for an hour at 5%');
  await expect(row).toContainText('5% → 25%');
  await expect(row).toContainText('user:default/demo');
  const chart = page.getByTestId('traffic-chart');
  await expect(chart).toBeVisible();
  await expect(chart.locator('.recharts-line').first()).toBeVisible();
  await page.screenshot({
    path: `${shots}/traffic-stepped.png`,
    fullPage: true,
  });

  // Someone else changes the weights with server-side apply, as kubectl would.
  const api = objectsApi(CLUSTER);
  const live = (await api.read({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'ai-gateway', namespace: 'ai-gateway' },
  })) as KubernetesObject & { spec: { rules: Array<Record<string, any>> } };
  await api.patch(
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'ai-gateway', namespace: 'ai-gateway' },
      spec: {
        rules: live.spec.rules.map(rule => ({
          ...rule,
          backendRefs: rule.backendRefs.map((b: { name: string }) => ({
            ...b,
            weight: b.name.endsWith('-canary') ? 40 : 60,
          })),
        })),
      },
    } as KubernetesObject,
    undefined,
    undefined,
    'kubectl',
    true,
    PatchStrategy.ServerSideApply,
  );

  // The tab follows without a reload.
  await expect(panel).toHaveAttribute('data-canary-percent', '40', {
    timeout: 15_000,
  });
  await expect(panel.locator('[data-canary="true"]')).toHaveText('canary 40%');
  expect(
    await page.evaluate(
      () => (window as unknown as { noReload?: boolean }).noReload,
    ),
  ).toBe(true);
  await page.screenshot({
    path: `${shots}/traffic-followed.png`,
    fullPage: true,
  });
});

test('steps the canary revision of a Runway service on Cloud Run', async ({
  page,
}) => {
  await signInAsGuestAt(
    page,
    '/catalog/default/component/docs-preview/traffic',
  );
  const panel = page.locator(
    '[data-testid="traffic-route"][data-route="CloudRunService/groundcrew-demo/docs-preview"][data-cluster="cloud-run/us-east1"]',
  );
  await expect(panel).toBeVisible({ timeout: 30_000 });
  await expect(panel).toHaveAttribute('data-canary-percent', '10');
  await panel.getByRole('button', { name: 'Next step (25%)' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('canary 10% → 25%');
  await dialog.getByLabel('Reason').fill('Preview builds healthy');
  await dialog.getByRole('button', { name: 'Change traffic' }).click();
  await expect(dialog).toBeHidden();
  await expect(panel).toHaveAttribute('data-canary-percent', '25', {
    timeout: 15_000,
  });
  await expect(panel.locator('[data-canary="true"]')).toHaveText('canary 25%');
  await expect(page.getByTestId('traffic-history-row').first()).toContainText(
    '10% → 25%',
  );
  await page.screenshot({
    path: `${shots}/traffic-cloud-run.png`,
    fullPage: true,
  });
});
