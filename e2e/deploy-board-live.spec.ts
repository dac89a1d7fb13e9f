import path from 'node:path';
import { expect, test } from '@playwright/test';
import { sandboxKubeConfig, signInAsGuestAt } from './portalHelpers';
import {
  AppsV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');
const NEW_IMAGE = 'registry.gitlab.com/groundcrew/ai-gateway:v1.44.0-rc.2';

/** The real Kubernetes client, pointed at a cluster of the sandbox the portal runs against. */
function appsApi(cluster: string) {
  return sandboxKubeConfig(cluster).makeApiClient(AppsV1Api);
}

test('the deploy board follows a canary rollout live, without a reload', async ({
  page,
}) => {
  await signInAsGuestAt(
    page,
    '/catalog/default/component/ai-gateway/deploy-board',
  );
  const canary = page.locator('[data-track="canary"]');
  await expect(canary).toBeVisible();
  await expect(canary).toContainText('v1.43.0-rc.1');
  // Both production clusters, stable and canary, every pod ready.
  const pods = page.locator('[data-pod]');
  await expect(page.locator('[data-environment="production"]')).toBeVisible();
  await expect.poll(() => pods.count()).toBeGreaterThan(0);
  await expect(
    page.locator('[data-pod]:not([data-pod-state="ready"])'),
  ).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/deploy-board-before.png`,
    fullPage: true,
  });

  // A marker that a reload would wipe out.
  await page.evaluate(() => {
    (window as unknown as { noReload: boolean }).noReload = true;
  });

  for (const cluster of ['gke-prod-us-east1', 'gke-prod-europe-west1']) {
    await appsApi(cluster).patchNamespacedDeployment(
      {
        name: 'ai-gateway-canary',
        namespace: 'ai-gateway',
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: NEW_IMAGE,
          },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  }

  // The rollout shows up while it happens: the new version appears in the canary track…
  await expect(canary).toContainText('v1.44.0-rc.2', { timeout: 30_000 });
  await page.screenshot({
    path: `${shots}/deploy-board-rolling.png`,
    fullPage: true,
  });
  // …and completes: the old version is gone and every canary pod is ready again.
  await expect(canary).not.toContainText('v1.43.0-rc.1', { timeout: 60_000 });
  await expect(
    canary.locator('[data-pod]:not([data-pod-state="ready"])'),
  ).toHaveCount(0, { timeout: 60_000 });
  await expect(canary.locator('[data-rollout="complete"]').first()).toBeVisible(
    { timeout: 60_000 },
  );
  expect(
    await page.evaluate(
      () => (window as unknown as { noReload?: boolean }).noReload,
    ),
  ).toBe(true);
  await page.screenshot({
    path: `${shots}/deploy-board-after.png`,
    fullPage: true,
  });
});
