import path from 'node:path';
import { expect, test } from '@playwright/test';
import { appUrl, signInAsGuestAt } from './portalHelpers';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

// The index is built by the collator's first scheduled run, seconds after start-up.
test.setTimeout(240_000);

test('searching "ai-gateway" finds the service, its clusters and its project; a result opens the cluster page', async ({
  page,
}) => {
  await signInAsGuestAt(page, '/search?query=ai-gateway');
  await expect(page.getByRole('heading', { name: 'Search' })).toBeVisible();
  const service = page.getByTestId('infra-result-service-ai-gateway');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect
    .poll(
      async () => {
        await page.goto(`${appUrl()}/search?query=ai-gateway`);
        // A reload may land on the sign-in page again before the session is restored.
        if (await enter.isVisible({ timeout: 3_000 }).catch(() => false)) {
          await enter.click();
        }
        await page.getByText('Infrastructure', { exact: true }).first().click();
        return service.waitFor({ state: 'visible', timeout: 10_000 }).then(
          () => true,
          () => false,
        );
      },
      { timeout: 180_000, intervals: [3_000] },
    )
    .toBe(true);

  await expect(service).toContainText('gke-prod-us-east1');
  await expect(service).toContainText(
    'ai-gateway.gke-prod-us-east1.example.com',
  );
  for (const id of [
    'infra-result-cluster-gke-prod-us-east1',
    'infra-result-cluster-gke-prod-europe-west1',
    'infra-result-project-ai-gateway-prod',
  ]) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  // Vault paths by name, never a value.
  await expect(
    page.getByTestId('infra-result-vault-secret/ai-gateway/openai-api-key'),
  ).toContainText('name only');
  await expect(page.getByText(/GROUNDCREW-CANARY/)).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/infra-search-results.png`,
    fullPage: true,
  });

  // The filter by kind: clusters only.
  await page.getByRole('checkbox', { name: 'Kubernetes cluster' }).check();
  await expect(
    page.getByTestId('infra-result-cluster-gke-prod-us-east1'),
  ).toBeVisible();
  await expect(service).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/infra-search-clusters.png`,
    fullPage: true,
  });

  await page
    .getByTestId('infra-result-cluster-gke-prod-us-east1')
    .getByRole('link', { name: 'gke-prod-us-east1' })
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/resource\/gke-prod-us-east1/,
  );
  await expect(
    page.getByRole('heading', { name: /gke-prod-us-east1/ }).first(),
  ).toBeVisible({ timeout: 60_000 });
  // The overview card loaded (its state and the API server's version), not its placeholders.
  const card = page.getByTestId('cluster-overview');
  await expect(card.getByText(/^reachable/)).toBeVisible({ timeout: 60_000 });
  await expect(card.getByText('v1.31.4-gke.1000')).toBeVisible();
  await page.screenshot({
    path: `${shots}/infra-search-cluster-page.png`,
    fullPage: true,
  });
});
