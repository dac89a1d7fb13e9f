import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  appUrl,
  backendUrl,
  guestToken,
  pick,
  signInAsGuestAt,
} from './portalHelpers';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

test('the Runway wizard turns a service up on GKE, with a GitLab repository, a catalog page and a deploy board', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const name = `e2e-svc-${randomBytes(3).toString('hex')}`;

  // The catalog reads the templates in the background: on a busy machine the page can load
  // before it has. Wait for the template in the catalog first.
  await expect(async () => {
    const res = await fetch(
      `${backendUrl()}/api/catalog/entities/by-name/template/default/runway-service`,
      { headers: { Authorization: `Bearer ${await guestToken()}` } },
    );
    expect(res.status).toBe(200);
  }).toPass({ timeout: 120_000 });
  await signInAsGuestAt(page, '/create');
  const card = page
    .getByRole('heading', { name: 'New Runway service', exact: true, level: 4 })
    .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]');
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(
    page.getByRole('heading', { name: 'New Runway service' }),
  ).toBeVisible();

  // The service and its owner.
  await page.getByRole('textbox', { name: 'Service name' }).fill(name);
  await page
    .getByRole('textbox', { name: 'Description' })
    .fill('Routes prompts to the right model');
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.fill('Team AI');
  await page
    .getByRole('option', { name: /Team AI/ })
    .first()
    .click();
  await page
    .getByRole('textbox', { name: 'Department', exact: true })
    .fill('eng-dev');
  await page
    .getByRole('textbox', { name: 'Department group' })
    .fill('eng-dev-ai');
  await page
    .getByRole('textbox', { name: 'Product category' })
    .fill('ai_gateway');
  await page.getByRole('button', { name: 'Next' }).click();

  // Where: GKE, a fleet cluster in the region.
  await expect(page.getByRole('button', { name: /^Runtime/ })).toContainText(
    'GKE',
  );
  await pick(page, 'Cluster', /^gke-prod-us-east1/);
  await page.screenshot({ path: `${shots}/runway-where.png`, fullPage: true });
  await page.getByRole('button', { name: 'Next' }).click();

  // The container; rollout defaults.
  await page
    .getByRole('textbox', { name: 'Image' })
    .fill(`registry.example.com/team-ai/${name}:1.0.0`);
  await page.getByRole('button', { name: 'Next' }).click();

  // The repository on the GitLab imitation.
  // The picker offers the sandbox's GitLab and the teams' groups; team-ai comes first.
  await expect(
    page.locator('select', {
      has: page.locator('option[value="127.0.0.1:7481"]'),
    }),
  ).toHaveValue('127.0.0.1:7481');
  await expect(
    page.locator('select', { has: page.locator('option[value="team-ai"]') }),
  ).toHaveValue('team-ai');
  // The picker's name field is an autocomplete: type it as a person does, then leave it.
  const repo = page.getByRole('textbox', { name: 'Repository' });
  await repo.click();
  await repo.pressSequentially(name);
  await repo.press('Tab');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.screenshot({ path: `${shots}/runway-review.png`, fullPage: true });

  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/create\/tasks\/[^/]+$/);
  await expect(page.getByRole('link', { name: 'Deploy board' })).toBeVisible({
    timeout: 180_000,
  });
  await expect(page.getByText(/^Error:/)).toHaveCount(0);
  await expect(
    page.getByText(`runs on GKE cluster gke-prod-us-east1`),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/runway-task.png`, fullPage: true });

  // The catalog page of the new service, read from its GitLab repository.
  await page.getByRole('link', { name: 'Open in the catalog' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible({
    timeout: 60_000,
  });
  await page.screenshot({ path: `${shots}/runway-entity.png`, fullPage: true });

  // Its deploy board: the pods Flux's release made, ready on the cluster.
  await page.goto(`${appUrl()}/catalog/default/component/${name}/deploy-board`);
  await expect(page.getByText('gke-prod-us-east1').first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.getByText('1 / 1 ready · 1 updated')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText(`HelmRelease ${name}/${name}:`, { exact: false }),
  ).toContainText('Ready');
  await page.screenshot({
    path: `${shots}/runway-deploy-board.png`,
    fullPage: true,
  });
});
