import { startSandbox, Sandbox } from '../sandbox';
import {
  codeOf,
  errorOf,
  FAST_GCP,
  gcpClients,
  GcpClients,
} from '../__testUtils__/gcp';
import { DEMO_GCP } from './demo';

describe('GCP imitation: Cloud Billing v1 and Service Usage v1 through the Google clients', () => {
  let sandbox: Sandbox;
  let gcp: GcpClients;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'billing-test' }],
      gcp: { timings: FAST_GCP },
    });
    gcp = gcpClients(sandbox);
  });
  afterAll(() => sandbox.stop());
  beforeEach(async () => {
    await sandbox.gcp!.control.reset();
    await sandbox.gcp!.control.resetCounters();
  });

  async function newProject(projectId: string) {
    const [op] = await gcp.projects.createProject({
      project: { projectId, parent: DEMO_GCP.folders.teamCommerce },
    });
    const [project] = await op.promise();
    return project;
  }

  it('lists the billing accounts the caller may use, and gets one', async () => {
    const [accounts] = await gcp.billing.listBillingAccounts({});
    expect(accounts.map(a => [a.name, a.open])).toEqual([
      [DEMO_GCP.billingAccounts.demo, true],
      [DEMO_GCP.billingAccounts.closed, false],
    ]);
    expect(accounts[0]).toMatchObject({
      displayName: 'Groundcrew demo',
      masterBillingAccount: '',
    });
    const [one] = await gcp.billing.getBillingAccount({
      name: DEMO_GCP.billingAccounts.demo,
    });
    expect(one.open).toBe(true);
    expect(
      await codeOf(
        gcp.billing.getBillingAccount({
          name: DEMO_GCP.billingAccounts.elsewhere,
        }),
      ),
    ).toBe(7);
  });

  it('gets and links a project billing info; a closed account leaves billing disabled; a foreign one is 403', async () => {
    await newProject('billing-new-1');
    const [before] = await gcp.billing.getProjectBillingInfo({
      name: 'projects/billing-new-1',
    });
    expect(before).toMatchObject({
      name: 'projects/billing-new-1/billingInfo',
      projectId: 'billing-new-1',
      billingAccountName: '',
      billingEnabled: false,
    });
    const [linked] = await gcp.billing.updateProjectBillingInfo({
      name: 'projects/billing-new-1',
      projectBillingInfo: { billingAccountName: DEMO_GCP.billingAccounts.demo },
    });
    expect(linked).toMatchObject({
      billingAccountName: DEMO_GCP.billingAccounts.demo,
      billingEnabled: true,
    });
    const [closed] = await gcp.billing.updateProjectBillingInfo({
      name: 'projects/billing-new-1',
      projectBillingInfo: {
        billingAccountName: DEMO_GCP.billingAccounts.closed,
      },
    });
    expect(closed.billingEnabled).toBe(false);
    expect(
      await codeOf(
        gcp.billing.updateProjectBillingInfo({
          name: 'projects/billing-new-1',
          projectBillingInfo: {
            billingAccountName: DEMO_GCP.billingAccounts.elsewhere,
          },
        }),
      ),
    ).toBe(7);
    expect(
      await codeOf(
        gcp.billing.getProjectBillingInfo({
          name: `projects/${DEMO_GCP.takenProject}`,
        }),
      ),
    ).toBe(7);
    const counters = await sandbox.gcp!.control.counters();
    expect(counters.routes['PUT /v1/projects/{project}/billingInfo']).toBe(3);
    expect(counters.routes['GET /v1/projects/{project}/billingInfo']).toBe(2);
  });

  it('enables services in a batch (an operation) and lists the enabled ones', async () => {
    const project = await newProject('services-new-1');
    await gcp.billing.updateProjectBillingInfo({
      name: 'projects/services-new-1',
      projectBillingInfo: { billingAccountName: DEMO_GCP.billingAccounts.demo },
    });
    const [op] = await gcp.serviceUsage.batchEnableServices({
      parent: project.name!,
      serviceIds: ['container.googleapis.com', 'secretmanager.googleapis.com'],
    });
    expect(op.name).toMatch(/^operations\/acf\./);
    const [response] = await op.promise();
    expect(response.services?.map(s => s.config?.name)).toEqual([
      'container.googleapis.com',
      'secretmanager.googleapis.com',
    ]);
    const [enabled] = await gcp.serviceUsage.listServices({
      parent: 'projects/services-new-1',
      filter: 'state:ENABLED',
    });
    expect(enabled.map(s => s.config?.name)).toEqual(
      expect.arrayContaining([
        'container.googleapis.com',
        'secretmanager.googleapis.com',
      ]),
    );
    expect(enabled.every(s => s.state === 'ENABLED')).toBe(true);
    expect(enabled[0].name).toMatch(new RegExp(`^${project.name}/services/`));
    const [one] = await gcp.serviceUsage.getService({
      name: `${project.name}/services/container.googleapis.com`,
    });
    expect(one).toMatchObject({ state: 'ENABLED', parent: project.name });

    const counters = await sandbox.gcp!.control.counters();
    expect(
      counters.routes['POST /v1/projects/{project}/services:batchEnable'],
    ).toBe(1);
  });

  it('refuses malformed (400 + field violation), unknown (403) and billing-less services (FAILED_PRECONDITION)', async () => {
    await newProject('services-new-2');
    const malformed = await errorOf(
      gcp.serviceUsage.batchEnableServices({
        parent: 'projects/services-new-2',
        serviceIds: ['not a service'],
      }),
    );
    expect(malformed.code).toBe(3);
    expect(malformed.statusDetails?.[0].fieldViolations?.[0].field).toBe(
      'service_ids[0]',
    );
    const unknown = await errorOf(
      gcp.serviceUsage.batchEnableServices({
        parent: 'projects/services-new-2',
        serviceIds: ['nonexistent.googleapis.com'],
      }),
    );
    expect(unknown.code).toBe(7);
    expect(unknown.reason).toBe(
      'SERVICE_CONFIG_NOT_FOUND_OR_PERMISSION_DENIED',
    );
    const noBilling = await errorOf(
      gcp.serviceUsage.batchEnableServices({
        parent: 'projects/services-new-2',
        serviceIds: ['container.googleapis.com'],
      }),
    );
    expect(noBilling.code).toBe(9);
    expect(noBilling.message).toMatch(/Billing must be enabled/);
  });

  it('a failed batchEnable operation ends done with an error', async () => {
    await sandbox.gcp!.control.failNextOperations({
      kind: 'batchEnable',
      message: 'backend error',
    });
    const [op] = await gcp.serviceUsage.batchEnableServices({
      parent: `projects/${DEMO_GCP.project}`,
      serviceIds: ['run.googleapis.com'],
    });
    const err = await errorOf(op.promise());
    expect(err.code).toBe(13);
    expect(err.message).toMatch(/backend error/);
  });
});
