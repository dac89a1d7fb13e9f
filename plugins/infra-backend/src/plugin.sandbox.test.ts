import request from 'supertest';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  GCP_REGIONS,
  GcpProject,
  GkeCluster,
} from '@groundcrew/plugin-infra-common';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import { startInfraBackendOnSandbox } from './__testUtils__/sandboxBackend';

/**
 * The lookups end to end: the default GcpService (Google's clients) against the sandbox's GCP, and
 * the default fleet holding the sandbox's clusters.
 */
describe('infra backend on the sandbox GCP', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const user = mockCredentials.user.header('user:default/demo');

  beforeAll(async () => {
    sandbox = await startSandbox({});
    backend = await startInfraBackendOnSandbox(sandbox, {
      gcp: { operationPollIntervalSeconds: 0.05 },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  const get = (path: string) =>
    request(backend.server).get(`/api/infra${path}`).set('Authorization', user);

  it('tells a taken id from an invalid one', async () => {
    const taken = await get('/gcp/projects/groundcrew-demo/availability');
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({
      status: 'taken',
      project: { projectId: 'groundcrew-demo', parent: 'folders/1001' },
    });
    const invalid = await get('/gcp/projects/1abc/availability');
    expect(invalid.body.status).toBe('invalid');
  });

  it('reads an id no visible project has as available', async () => {
    // GCP answers 403 both for a free id and for one in another organization.
    for (const projectId of ['team-ai-new-1', 'taken-elsewhere']) {
      const res = await get(`/gcp/projects/${projectId}/availability`);
      expect(res.body).toEqual({ projectId, status: 'available' });
    }
  });

  it('searches the visible projects', async () => {
    const all = await get('/gcp/projects');
    expect(all.status).toBe(200);
    const ids = all.body.items.map((p: GcpProject) => p.projectId);
    expect(ids).toEqual(
      expect.arrayContaining(['groundcrew-demo', 'ai-gateway-prod']),
    );
    expect(ids).not.toContain('taken-elsewhere');
    const ai = await get('/gcp/projects?query=ai-gat');
    expect(ai.body.items.map((p: GcpProject) => p.projectId)).toEqual([
      'ai-gateway-prod',
    ]);
  });

  it('lists the clusters of the demo project', async () => {
    const res = await get('/gcp/projects/groundcrew-demo/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: GkeCluster) => [c.name, c.location])).toEqual(
      [
        ['gke-ops', 'us-central1'],
        ['gke-prod-europe-west1', 'europe-west1'],
        ['gke-prod-us-east1', 'us-east1'],
      ],
    );
    expect(res.body.items[0]).not.toHaveProperty('caCertificatePem');
    const europe = await get(
      '/gcp/projects/groundcrew-demo/clusters?location=europe-west1',
    );
    expect(europe.body.items.map((c: GkeCluster) => c.name)).toEqual([
      'gke-prod-europe-west1',
    ]);
  });

  it("passes on GCP's refusal for a project Groundcrew cannot see", async () => {
    const res = await get('/gcp/projects/taken-elsewhere/clusters');
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('lists regions and billing accounts', async () => {
    const regions = await get('/gcp/regions');
    expect(regions.body.items).toEqual(GCP_REGIONS);
    const accounts = await get('/gcp/billing-accounts');
    expect(
      accounts.body.items.map((a: { name: string; open: boolean }) => [
        a.name,
        a.open,
      ]),
    ).toEqual([
      ['billingAccounts/01A2B3-C4D5E6-F7A8B9', true],
      ['billingAccounts/01C105-ED0000-000001', false],
    ]);
  });

  it('lists the clusters of the fleet with their environment and region', async () => {
    const res = await get('/fleet/clusters');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      [...sandbox.kubernetes.clusters]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(c => ({ name: c.name, labels: c.labels, source: 'config' })),
    );
    expect(
      res.body.items.find(
        (c: { name: string }) => c.name === 'gke-prod-us-east1',
      ),
    ).toEqual({
      name: 'gke-prod-us-east1',
      labels: expect.objectContaining({
        environment: 'production',
        region: 'us-east1',
      }),
      source: 'config',
    });
  });
});
