import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { backendUrl, guestToken, signInAsGuestAt } from './portalHelpers';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

// The first page waits for the entity provider's first run after start-up.
test.setTimeout(180_000);

/**
 * Signs in, then opens an entity page once the catalog has the entity: the infrastructure entity
 * provider emits the demo's projects and clusters on its first run after start-up.
 */
async function openEntityPage(page: Page, entity: string) {
  const token = await guestToken();
  await expect
    .poll(
      async () =>
        (
          await fetch(
            `${backendUrl()}/api/catalog/entities/by-name/resource/default/${entity}`,
            { headers: { Authorization: `Bearer ${token}` } },
          )
        ).status,
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe(200);
  // Signed in on the entity's own page: no reload after sign-in.
  await signInAsGuestAt(page, `/catalog/default/resource/${entity}`);
}

test("a GKE cluster's page shows its state, node pools, workloads and the services on it", async ({
  page,
}) => {
  await openEntityPage(page, 'gke-prod-us-east1');

  const card = page.getByTestId('cluster-overview');
  await expect(card.getByText(/^reachable/)).toBeVisible({ timeout: 60_000 });
  await expect(card.getByText('v1.31.4-gke.1000')).toBeVisible();
  // A header row and at least one node pool.
  await expect(
    card.getByRole('table', { name: 'node pools' }).getByRole('row').nth(1),
  ).toBeVisible();
  await expect(
    card.getByText(/Deployments healthy, in \d+ namespaces/),
  ).toBeVisible();

  // The demo services run on this cluster; each links to its deploy board.
  const services = card.getByRole('table', { name: 'services' });
  await expect(
    services.getByRole('link', { name: 'AI Gateway' }),
  ).toBeVisible();
  await expect(
    services.getByRole('link', { name: 'Deploy board' }).first(),
  ).toHaveAttribute(
    'href',
    /\/catalog\/default\/component\/[^/]+\/deploy-board$/,
  );
  await expect(
    page.getByRole('link', { name: /Open in the Google Cloud console/ }),
  ).toHaveAttribute(
    'href',
    'https://console.cloud.google.com/kubernetes/clusters/details/us-east1/gke-prod-us-east1/details?project=groundcrew-demo',
  );
  // Why, never where: no internal address reaches the page.
  expect(await card.textContent()).not.toMatch(/127\.0\.0\.1/);
  await page.screenshot({
    path: `${shots}/infra-cluster-page.png`,
    fullPage: true,
  });

  await services.getByRole('link', { name: 'Deploy board' }).first().click();
  await expect(page).toHaveURL(/\/deploy-board$/);
});

test("a GCP project's page shows billing, labels and enabled APIs", async ({
  page,
}) => {
  await openEntityPage(page, 'groundcrew-demo');

  const card = page.getByTestId('project-overview');
  await expect(card.getByText('platform (folders/1001)')).toBeVisible({
    timeout: 60_000,
  });
  await expect(card.getByText(/billingAccounts\/.* \(enabled\)/)).toBeVisible();
  await expect(card.getByText('container.googleapis.com')).toBeVisible();
  await expect(
    page.getByRole('link', { name: /Open in the Google Cloud console/ }),
  ).toHaveAttribute(
    'href',
    'https://console.cloud.google.com/home/dashboard?project=groundcrew-demo',
  );
  await page.screenshot({
    path: `${shots}/infra-project-page.png`,
    fullPage: true,
  });
});

test('a cluster page the viewer may not see says so, in the backend’s words, with nothing of the cluster', async ({
  page,
}) => {
  // The demo's policy lets everyone read catalog entities, so the backend's 403 (tested against
  // the sandbox in plugins/infra-backend) is given here as it sends it: Backstage's error body.
  const message =
    'You may not see the overview of cluster gke-prod-us-east1: reading resource:default/gke-prod-us-east1 is not allowed (permission catalog.entity.read)';
  // The card asks with the cluster's project and location as query parameters.
  await page.route(
    /\/api\/infra\/clusters\/gke-prod-us-east1\/overview(\?|$)/,
    route =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { name: 'NotAllowedError', message },
          request: {
            method: 'GET',
            url: '/api/infra/clusters/gke-prod-us-east1/overview',
          },
          response: { statusCode: 403 },
        }),
      }),
  );
  await openEntityPage(page, 'gke-prod-us-east1');

  await expect(page.getByText('You may not see this cluster')).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText(message)).toBeVisible();
  await expect(page.getByText('v1.31.4-gke.1000')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'node pools' })).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/infra-cluster-page-denied.png`,
    fullPage: true,
  });
});
