import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { backendUrl, guestToken, pick, signInAsGuestAt } from './portalHelpers';

const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

/** Unique per run: the sandbox never gives a project id out twice, as GCP. */
const suffix = () => randomBytes(3).toString('hex');

async function backendGet(pathname: string) {
  const res = await fetch(`${backendUrl()}${pathname}`, {
    headers: { Authorization: `Bearer ${await guestToken()}` },
  });
  expect(res.status, `GET ${pathname}`).toBe(200);
  return res.json();
}

/** /create, then the template's card. */
async function chooseTemplate(page: Page, title: string) {
  await signInAsGuestAt(page, '/create');
  // The card: the nearest box around the template's title that has a Choose button.
  const card = page
    .getByRole('heading', { name: title, exact: true, level: 4 })
    .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]');
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
}

/** Creates the task from the review step; returns its id once the page shows it finished. */
async function createAndWait(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/create\/tasks\/[^/]+$/);
  const taskId = page.url().split('/').pop()!;
  // The output links show once the run has completed.
  await expect(
    page.getByRole('link', { name: 'Open in the Google Cloud console' }),
  ).toBeVisible({ timeout: 60_000 });
  const task = await backendGet(`/api/scaffolder/v2/tasks/${taskId}`);
  expect(task.status).toBe('completed');
  await expect(page.getByText(/^Error:/)).toHaveCount(0);
  return taskId;
}

test('the GCP project wizard refuses a taken id and creates a project with a free one', async ({
  page,
}) => {
  await chooseTemplate(page, 'New GCP project');

  // A taken id: formatted as typed, then checked against the projects Groundcrew can see.
  const projectId = page.getByRole('textbox', { name: 'Project id' });
  await projectId.pressSequentially('Groundcrew Demo');
  await expect(projectId).toHaveValue('groundcrew-demo');
  const status = page.locator('#root_projectId-helper-text');
  await expect(status).toHaveText(
    'already taken by Groundcrew demo (folders/1001)',
  );
  await expect(projectId).toHaveAttribute('aria-invalid', 'true');

  // Next is refused, with the reason.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(
      "'Project id' groundcrew-demo is already taken by Groundcrew demo (folders/1001)",
    ),
  ).toBeVisible();
  await expect(projectId).toBeVisible();
  await expect(page.getByText('APIs to enable')).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/gcp-project-taken.png`,
    fullPage: true,
  });

  // A free id.
  const id = `e2e-proj-${suffix()}`;
  await projectId.fill('');
  await projectId.pressSequentially(id);
  await expect(status).toHaveText('available');
  await expect(projectId).toHaveAttribute('aria-invalid', 'false');
  const displayName = `E2E project ${id.slice(-6)}`;
  await page.getByRole('textbox', { name: 'Display name' }).fill(displayName);
  await pick(page, 'Folder', 'Team AI (folders/1002)');
  await expect(
    page.getByRole('textbox', { name: 'Billing account' }),
  ).toHaveValue('billingAccounts/01A2B3-C4D5E6-F7A8B9');
  await page.getByRole('button', { name: 'Next' }).click();

  // APIs and access: the defaults.
  for (const api of ['container', 'compute', 'secretmanager']) {
    await expect(
      page.getByRole('checkbox', {
        name: new RegExp(`\\(${api}\\.googleapis\\.com\\)`),
      }),
    ).toBeChecked();
  }
  await expect(
    page.getByRole('checkbox', { name: /\(sqladmin\.googleapis\.com\)/ }),
  ).not.toBeChecked();
  const groups = page.getByRole('textbox', { name: 'Group email' });
  await expect(groups.nth(0)).toHaveValue('team-ai@groundcrew.example');
  await expect(groups.nth(1)).toHaveValue(
    'team-ai-developers@groundcrew.example',
  );
  await page.getByRole('button', { name: 'Next' }).click();

  // Labels.
  await expect(page.getByRole('textbox', { name: 'Team' })).toHaveValue(
    'team-ai',
  );
  await page.getByRole('textbox', { name: 'Cost center' }).fill('cc-1042');
  await page.getByRole('button', { name: 'Review' }).click();

  // Review.
  for (const [label, value] of [
    ['Project id', id],
    ['Display name', displayName],
    ['Folder', 'Team AI (folders/1002)'],
    ['Billing account', 'billingAccounts/01A2B3-C4D5E6-F7A8B9'],
    ['Cost center', 'cc-1042'],
  ]) {
    await expect(
      page.getByRole('row').filter({ hasText: label }).first(),
    ).toContainText(value);
  }

  await createAndWait(page);
  await expect(
    page.getByRole('link', { name: 'Open in the Google Cloud console' }),
  ).toHaveAttribute(
    'href',
    `https://console.cloud.google.com/home/dashboard?project=${id}`,
  );
  await expect(
    page.getByRole('link', { name: 'Open in the catalog' }),
  ).toHaveAttribute('href', `/catalog/default/resource/${id}`);
  await expect(page.getByText(`${id} has project number`)).toBeVisible();
  await expect(page.getByText(`Created project ${id} (`)).toBeVisible();
  await page.screenshot({
    path: `${shots}/gcp-project-task.png`,
    fullPage: true,
  });

  // The project is there now: the wizard's own check calls the id taken.
  const availability = await backendGet(
    `/api/infra/gcp/projects/${id}/availability`,
  );
  expect(availability).toMatchObject({
    status: 'taken',
    project: { displayName, parent: 'folders/1002' },
  });
});

test('the GKE cluster wizard creates a cluster that joins the Groundcrew fleet', async ({
  page,
}) => {
  await chooseTemplate(page, 'New GKE cluster');

  // A project of team-ai's folder: the demo user may not create clusters in the platform's.
  const project = page.getByRole('textbox', { name: 'GCP project' });
  await project.click();
  await project.pressSequentially('ai-gateway');
  await page.getByRole('option', { name: /ai-gateway-prod/ }).click();
  await expect(project).toHaveValue('ai-gateway-prod');
  await pick(page, 'Region', 'europe-west1 (Belgium)');
  const name = `e2e-gke-${suffix()}`;
  await page.getByRole('textbox', { name: 'Cluster name' }).fill(name);
  await pick(page, 'Environment', 'Development');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(
    page.getByRole('checkbox', { name: /Private nodes/ }),
  ).toBeChecked();
  await page.getByRole('button', { name: 'Review' }).click();
  for (const [label, value] of [
    ['GCP project', 'ai-gateway-prod'],
    ['Region', 'europe-west1'],
    ['Cluster name', name],
  ]) {
    await expect(
      page.getByRole('row').filter({ hasText: label }).first(),
    ).toContainText(value);
  }

  await createAndWait(page);
  await expect(
    page.getByText(
      `${name} is registered in the Groundcrew fleet as a development cluster`,
    ),
  ).toBeVisible();
  await expect(
    page.getByText(
      new RegExp(
        `Registered ${name} \\(https://[^)]+\\) in the Groundcrew fleet`,
      ),
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Open in the catalog' }),
  ).toHaveAttribute('href', `/catalog/default/resource/${name}`);
  await page.screenshot({
    path: `${shots}/gke-cluster-task.png`,
    fullPage: true,
  });

  // The deploy boards watch it: it is among the fleet's clusters, and answers.
  await expect
    .poll(
      async () =>
        (
          await backendGet(
            '/api/deploy-board/boards/default/component/ai-gateway',
          )
        ).clusters.find((c: { name: string }) => c.name === name),
      { timeout: 30_000 },
    )
    .toMatchObject({
      name,
      environment: 'development',
      region: 'europe-west1',
      state: 'ok',
    });
});
