import request from 'supertest';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  ClusterOverview,
  GcpProjectOverview,
} from '@groundcrew/plugin-infra-common';
import { permissionPolicy } from '@groundcrew/plugin-infra-node/testUtils';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import { startInfraBackendOnSandbox } from './__testUtils__/sandboxBackend';

/**
 * An adopter's policy on catalog entities: `outsider` may read none, casey may not read the project
 * groundcrew-demo nor the cluster gke-prod-us-east1; everyone else may read everything.
 */
const permissions = permissionPolicy(
  ({ user, permission, resourceRef }) =>
    permission !== 'catalog.entity.read' ||
    !(
      user === 'user:default/outsider' ||
      (user === 'user:default/casey' &&
        (resourceRef === 'resource:default/groundcrew-demo' ||
          resourceRef === 'resource:default/gke-prod-us-east1'))
    ),
);

/**
 * The entity-page overviews end to end: Google's clients against the sandbox's GCP, the fleet
 * holding the sandbox's clusters, the watch cache watching them and the real Kubernetes client
 * asking each API server its version.
 */
describe('cluster and project overviews on the sandbox', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const user = mockCredentials.user.header('user:default/demo');

  beforeAll(async () => {
    sandbox = await startSandbox({
      timings: {
        podStartDelayMs: 20,
        podReadyDelayMs: 40,
        fluxReadyDelayMs: 20,
      },
    });
    backend = await startInfraBackendOnSandbox(sandbox, {
      kubernetes: { cache: { requestTimeoutSeconds: 2 } },
      gcp: { retry: { attempts: 1 } },
      features: [permissions.factory],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  const get = (path: string, auth = user) =>
    request(backend.server).get(`/api/infra${path}`).set('Authorization', auth);

  /** Asks until `done` holds for the answer (the cache syncs, pods become ready, a cluster drops). */
  async function until(
    path: string,
    done: (body: ClusterOverview) => boolean,
    auth = user,
  ): Promise<ClusterOverview> {
    for (let i = 0; ; i++) {
      const res = await get(path, auth);
      expect(res.status).toBe(200);
      if (done(res.body)) return res.body;
      if (i > 150) {
        throw new Error(`never reached: ${JSON.stringify(res.body)}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }

  it('shows a GKE cluster of the fleet: state, version, node pools and healthy workloads', async () => {
    const body = await until(
      '/clusters/gke-prod-us-east1/overview?project=groundcrew-demo&location=us-east1',
      b =>
        b.status.state === 'ok' &&
        !!b.workloads?.deployments &&
        b.workloads.healthy === b.workloads.deployments,
    );
    expect(body).toMatchObject({
      name: 'gke-prod-us-east1',
      source: 'config',
      labels: { environment: 'production', region: 'us-east1' },
      // What the API server itself answers on GET /version.
      kubernetesVersion: 'v1.31.4-gke.1000',
      versionSource: 'api-server',
      gke: {
        projectId: 'groundcrew-demo',
        location: 'us-east1',
        status: 'RUNNING',
      },
    });
    expect(body.gke!.nodePools.length).toBeGreaterThan(0);
    expect(body.gke!.nodePools[0]).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        machineType: expect.any(String),
      }),
    );
    expect(body.gkeProblem).toBeUndefined();
    // The demo services run here: ai-gateway at least, in namespaces of their own.
    expect(body.workloads!.deployments).toBeGreaterThanOrEqual(2);
    expect(body.workloads!.namespaces).toBeGreaterThanOrEqual(1);
    expect(body.workloads!.unhealthy).toEqual([]);
    expect(body.workloads!.runwayServices).toEqual([
      'ai-gateway',
      'checkout-api',
      'search-indexer',
    ]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|token|BEGIN CERT/);
  });

  it('finds the GKE cluster without a location, and shows a fleet cluster without a project', async () => {
    const anyLocation = await until(
      '/clusters/gke-ops/overview?project=groundcrew-demo',
      b => b.status.state === 'ok',
    );
    expect(anyLocation.gke).toMatchObject({
      location: 'us-central1',
      status: 'RUNNING',
    });
    const fleetOnly = await until(
      '/clusters/gke-ops/overview',
      b => b.status.state === 'ok',
    );
    expect(fleetOnly.gke).toBeUndefined();
    expect(fleetOnly.kubernetesVersion).toBe('v1.31.4-gke.1000');
    expect(fleetOnly.workloads?.deployments).toBeGreaterThan(0);
    expect(fleetOnly.workloads?.runwayServices).toEqual(['search-indexer']);
  });

  it('answers 404 for a cluster that is nowhere, 400 naming a bad field', async () => {
    const unknown = await get('/clusters/gke-nowhere/overview');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'No cluster named "gke-nowhere" in the fleet',
    );
    const unknownInGke = await get(
      '/clusters/gke-nowhere/overview?project=groundcrew-demo&location=us-east1',
    );
    expect(unknownInGke.status).toBe(404);
    expect(unknownInGke.body.error.message).toContain(
      'GKE project groundcrew-demo',
    );
    // A project Groundcrew cannot see hides its clusters the same way.
    const hidden = await get(
      '/clusters/gke-nowhere/overview?project=taken-elsewhere',
    );
    expect(hidden.status).toBe(404);

    const badProject = await get('/clusters/gke-ops/overview?project=1abc');
    expect(badProject.status).toBe(400);
    expect(badProject.body.error.message).toMatch(/^project "1abc"/);
    const badLocation = await get(
      '/clusters/gke-ops/overview?project=groundcrew-demo&location=moon',
    );
    expect(badLocation.status).toBe(400);
    expect(badLocation.body.error.message).toMatch(/^location /);
    const badName = await get('/clusters/Not_A_Cluster/overview');
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/^name /);
  });

  it('shows a project: parent, labels, billing and enabled APIs', async () => {
    const res = await get('/gcp/projects/groundcrew-demo/overview');
    expect(res.status).toBe(200);
    const body: GcpProjectOverview = res.body;
    expect(body.project).toMatchObject({
      projectId: 'groundcrew-demo',
      parent: 'folders/1001',
      state: 'ACTIVE',
    });
    expect(body.parentDisplayName).toBe('platform');
    expect(body.billing).toEqual({
      billingAccountName: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
      billingEnabled: true,
    });
    expect(body.enabledApis).toEqual(
      expect.arrayContaining([
        'container.googleapis.com',
        'run.googleapis.com',
      ]),
    );
    expect([...body.enabledApis].sort()).toEqual(body.enabledApis);
  });

  it('answers 404 for a project that does not exist or that Groundcrew cannot see', async () => {
    for (const projectId of ['no-such-project', 'taken-elsewhere']) {
      const res = await get(`/gcp/projects/${projectId}/overview`);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        `GCP project ${projectId} does not exist or Groundcrew may not see it`,
      );
    }
    const invalid = await get('/gcp/projects/1abc/overview');
    expect(invalid.status).toBe(400);
  });

  it('shows an overview only to whom the catalog shows its entity: 403 with nothing of it otherwise, and GCP not asked', async () => {
    const outsider = mockCredentials.user.header('user:default/outsider');
    const casey = mockCredentials.user.header('user:default/casey');
    const cluster =
      '/clusters/gke-prod-us-east1/overview?project=groundcrew-demo&location=us-east1';
    const project = '/gcp/projects/groundcrew-demo/overview';
    // Allowed: the same requests answer with the cluster and the project.
    const shown = await until(cluster, b => b.status.state === 'ok');
    expect(shown.gke?.status).toBe('RUNNING');
    expect((await get(project)).body.project.projectId).toBe('groundcrew-demo');

    const gcpReads = (await sandbox.gcp!.control.counters()).reads;
    const denials = [
      [outsider, cluster, 'the overview of cluster gke-prod-us-east1'],
      [casey, cluster, 'the overview of cluster gke-prod-us-east1'],
      [outsider, project, 'the overview of GCP project groundcrew-demo'],
      [casey, project, 'the overview of GCP project groundcrew-demo'],
    ];
    for (const [auth, path, what] of denials) {
      const res = await get(path, auth);
      expect(res.status).toBe(403);
      const ref = path.startsWith('/clusters')
        ? 'resource:default/gke-prod-us-east1'
        : 'resource:default/groundcrew-demo';
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: `You may not see ${what}: reading ${ref} is not allowed (permission catalog.entity.read)`,
      });
      // Nothing of the cluster or the project: only the standard error body.
      for (const key of ['status', 'gke', 'workloads', 'project', 'billing']) {
        expect(res.body).not.toHaveProperty(key);
      }
      expect(JSON.stringify(res.body)).not.toMatch(
        /RUNNING|v1\.31|folders\/|billingAccounts|googleapis|platform/,
      );
    }
    // Asked before anything is read: GCP saw none of the denied requests.
    expect((await sandbox.gcp!.control.counters()).reads).toBe(gcpReads);

    // The check is on the page's own entity: casey sees another cluster of the same project.
    const other = await until(
      '/clusters/gke-ops/overview?project=groundcrew-demo',
      b => b.status.state === 'ok',
      casey,
    );
    expect(other.gke?.location).toBe('us-central1');
    expect((await get('/clusters/gke-ops/overview', outsider)).status).toBe(
      403,
    );
  });

  it('answers 503 while GCP is down, without internal addresses; a fleet cluster still shows', async () => {
    await sandbox.gcp!.control.down();
    try {
      const project = await get('/gcp/projects/groundcrew-demo/overview');
      expect(project.status).toBe(503);
      expect(project.body.error.name).toBe('ServiceUnavailableError');
      expect(project.body.error.message).toBe(
        'GCP is unavailable: could not read project groundcrew-demo',
      );
      expect(JSON.stringify(project.body)).not.toMatch(/127\.0\.0\.1|ECONN/);

      // Not in the fleet: GKE is the only source, so GCP being down is the answer.
      const gkeOnly = await get(
        '/clusters/gke-new/overview?project=groundcrew-demo&location=us-east1',
      );
      expect(gkeOnly.status).toBe(503);
      expect(JSON.stringify(gkeOnly.body)).not.toMatch(/127\.0\.0\.1|ECONN/);

      // In the fleet: the page shows what the fleet and the cache know, and says what is missing.
      const member = await get(
        '/clusters/gke-prod-us-east1/overview?project=groundcrew-demo&location=us-east1',
      );
      expect(member.status).toBe(200);
      expect(member.body.status.state).toBe('ok');
      expect(member.body.gke).toBeUndefined();
      expect(member.body.gkeProblem).toBe(
        'GCP is unavailable: could not read GKE cluster gke-prod-us-east1 of project groundcrew-demo',
      );
    } finally {
      await sandbox.gcp!.control.up();
    }
    const back = await get('/gcp/projects/groundcrew-demo/overview');
    expect(back.status).toBe(200);
  });

  it('shows a cluster whose API server is down as unreachable, with why but not where', async () => {
    const path = '/clusters/gke-prod-europe-west1/overview';
    await until(path, b => b.status.state === 'ok');
    await sandbox.control['gke-prod-europe-west1'].down();
    try {
      const down = await until(path, b => b.status.state === 'unreachable');
      // The cache quotes the failed request; the page says why, not where.
      expect(down.status.message).toBe(
        'API server unreachable: connection refused',
      );
      expect(down.workloads).toBeUndefined();
      // The version was read while it was up, and is remembered.
      expect(down.kubernetesVersion).toBe('v1.31.4-gke.1000');
    } finally {
      await sandbox.control['gke-prod-europe-west1'].up();
    }
  }, 30_000);
});
