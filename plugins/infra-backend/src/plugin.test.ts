import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  ClusterSummary,
  GcpProject,
  GkeCluster,
} from '@groundcrew/plugin-infra-common';
import {
  gcpServiceRef,
  KubernetesCacheService,
  kubernetesCacheServiceRef,
  KubernetesFleetService,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { infraPlugin } from './plugin';
import {
  asGcpService,
  InMemoryGcpService,
} from './__testUtils__/InMemoryGcpService';

function project(
  projectId: string,
  displayName: string,
  extra: Partial<GcpProject> = {},
): GcpProject {
  return {
    projectId,
    projectNumber: String(100000 + projectId.length),
    displayName,
    parent: 'folders/1002',
    state: 'ACTIVE',
    labels: {},
    ...extra,
  };
}

function cluster(name: string, location: string): GkeCluster {
  return {
    name,
    projectId: 'groundcrew-demo',
    location,
    status: 'RUNNING',
    endpoint: '10.0.0.1',
    caCertificatePem:
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    releaseChannel: 'REGULAR',
    privateNodes: true,
    nodePools: [
      {
        name: 'default',
        machineType: 'e2-standard-4',
        minNodeCount: 1,
        maxNodeCount: 3,
      },
    ],
    labels: { environment: 'production' },
  };
}

function fleetCluster(
  name: string,
  labels: Record<string, string>,
  source: ClusterSummary['source'] = 'config',
): ClusterSummary {
  return { name, url: `https://${name}.example.internal`, labels, source };
}

describe('infra backend', () => {
  let fleetClusters: ClusterSummary[] = [];
  const fleet: Pick<KubernetesFleetService, 'listClusters'> = {
    listClusters: async () => fleetClusters,
  };
  const gcp = new InMemoryGcpService({
    regions: ['us-east1', 'europe-west1', 'us-central1', 'me-central2'],
    projects: [
      project('groundcrew-demo', 'Groundcrew Demo', { parent: 'folders/1001' }),
      project('team-ai-prod', 'AI Platform Production'),
      project('team-ai-old', 'AI Old', { state: 'DELETE_REQUESTED' }),
      project('commerce-staging', 'Checkout Staging', {
        parent: 'folders/1003',
      }),
    ],
    clusters: [
      cluster('gke-prod-us-east1', 'us-east1'),
      cluster('gke-prod-europe-west1', 'europe-west1'),
      cluster('gke-ops', 'us-central1'),
    ],
    billingAccounts: [
      {
        name: 'billingAccounts/000000-000000-000000',
        displayName: 'Closed account',
        open: false,
      },
      {
        name: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
        displayName: 'Groundcrew demo billing',
        open: true,
      },
    ],
  });
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const user = mockCredentials.user.header('user:default/demo');

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        createServiceFactory({
          service: gcpServiceRef,
          deps: {},
          factory: () => asGcpService(gcp),
        }),
        createServiceFactory({
          service: kubernetesFleetServiceRef,
          deps: {},
          factory: () => fleet as KubernetesFleetService,
        }),
        // The overviews read the cache; these lookups do not (overview.sandbox.test.ts covers them).
        createServiceFactory({
          service: kubernetesCacheServiceRef,
          deps: {},
          factory: () =>
            ({
              clusters: () => [],
              deployments: () => [],
              watch: () => {},
            } as Partial<KubernetesCacheService> as KubernetesCacheService),
        }),
        infraPlugin,
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const get = (path: string, auth = user) =>
    request(backend.server).get(`/api/infra${path}`).set('Authorization', auth);

  it('refuses a request without credentials and serves another backend', async () => {
    const none = await get('/gcp/regions', mockCredentials.none.header());
    expect(none.status).toBe(401);
    const invalid = await get(
      '/gcp/regions',
      mockCredentials.user.invalidHeader(),
    );
    expect(invalid.status).toBe(401);
    const res = await get('/gcp/regions', mockCredentials.service.header());
    expect(res.status).toBe(200);
  });

  it("serves the Runway manifest's JSON Schema to editors, without sign-in", async () => {
    const res = await request(backend.server).get(
      '/api/infra/runway/schema.json',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/schema+json');
    expect(res.body).toMatchObject({
      $id: 'urn:groundcrew:runway-manifest:v1',
      title: 'Runway service manifest',
    });
    // Nothing else is open.
    const other = await get('/gcp/regions', mockCredentials.none.header());
    expect(other.status).toBe(401);
  });

  describe('GET /gcp/projects/:projectId/availability', () => {
    it('answers available for an id no visible project has', async () => {
      const res = await get('/gcp/projects/team-ai-new/availability');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        projectId: 'team-ai-new',
        status: 'available',
      });
    });

    it('answers taken with the project that has the id', async () => {
      const res = await get('/gcp/projects/groundcrew-demo/availability');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        projectId: 'groundcrew-demo',
        status: 'taken',
        project: { displayName: 'Groundcrew Demo', parent: 'folders/1001' },
      });
    });

    it('answers invalid with the problem, without asking GCP', async () => {
      gcp.calls.length = 0;
      const res = await get('/gcp/projects/Team_AI/availability');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        projectId: 'Team_AI',
        status: 'invalid',
        problem: 'must start with a lower-case letter',
      });
      const short = await get('/gcp/projects/ai/availability');
      expect(short.body.problem).toBe(
        'must be 6 to 30 characters long (it has 2)',
      );
      expect(gcp.calls).toEqual([]);
    });
  });

  describe('GET /gcp/projects', () => {
    it('lists active projects by default', async () => {
      const res = await get('/gcp/projects');
      expect(res.status).toBe(200);
      expect(res.body.items.map((p: GcpProject) => p.projectId)).toEqual([
        'groundcrew-demo',
        'team-ai-prod',
        'commerce-staging',
      ]);
    });

    it('includes inactive projects when asked', async () => {
      const res = await get('/gcp/projects?includeInactive=true');
      expect(res.body.items).toHaveLength(4);
    });

    it('searches ids and display names by the words typed', async () => {
      gcp.calls.length = 0;
      const byId = await get('/gcp/projects?query=team-ai');
      expect(byId.body.items.map((p: GcpProject) => p.projectId)).toEqual([
        'team-ai-prod',
      ]);
      expect(gcp.calls).toEqual([
        {
          method: 'searchProjects',
          args: { query: 'id:team-ai* name:team-ai*', limit: 40 },
        },
      ]);
      const byName = await get(
        `/gcp/projects?query=${encodeURIComponent('Checkout ')}`,
      );
      expect(byName.body.items.map((p: GcpProject) => p.projectId)).toEqual([
        'commerce-staging',
      ]);
    });

    it('honours limit', async () => {
      const res = await get('/gcp/projects?limit=1');
      expect(res.body.items).toHaveLength(1);
    });

    it.each([
      ['limit=0', 'limit must be a whole number from 1 to 100, got 0'],
      ['limit=many', 'Query parameter limit must be a whole number'],
      ['limit=1&limit=2', 'Query parameter limit must be given once'],
      [
        'includeInactive=yes',
        'Query parameter includeInactive must be true or false',
      ],
      [`query=${encodeURIComponent('id:x OR 1')}`, 'query may contain only'],
    ])('answers 400 naming the parameter for %s', async (params, message) => {
      const res = await get(`/gcp/projects?${params}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ name: 'InputError' });
      expect(res.body.error.message).toContain(message);
    });
  });

  describe('GET /gcp/regions', () => {
    it('lists the configured regions with their names', async () => {
      const res = await get('/gcp/regions');
      expect(res.body).toEqual({
        items: [
          { id: 'us-east1', location: 'South Carolina' },
          { id: 'europe-west1', location: 'Belgium' },
          { id: 'us-central1', location: 'Iowa' },
          { id: 'me-central2', location: '' },
        ],
      });
    });
  });

  describe('GET /gcp/projects/:projectId/clusters', () => {
    it('lists the clusters of a project without their CA certificates', async () => {
      const res = await get('/gcp/projects/groundcrew-demo/clusters');
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: GkeCluster) => c.name)).toEqual([
        'gke-ops',
        'gke-prod-europe-west1',
        'gke-prod-us-east1',
      ]);
      expect(res.body.items[0]).toMatchObject({
        location: 'us-central1',
        status: 'RUNNING',
        nodePools: [{ name: 'default', machineType: 'e2-standard-4' }],
      });
      expect(res.body.items[0]).not.toHaveProperty('caCertificatePem');
    });

    it('narrows to a location', async () => {
      const res = await get(
        '/gcp/projects/groundcrew-demo/clusters?location=europe-west1',
      );
      expect(res.body.items.map((c: GkeCluster) => c.name)).toEqual([
        'gke-prod-europe-west1',
      ]);
    });

    it('answers 400 for an invalid project id or location', async () => {
      const badProject = await get('/gcp/projects/AI/clusters');
      expect(badProject.status).toBe(400);
      expect(badProject.body.error.message).toContain('projectId "AI"');
      const badLocation = await get(
        '/gcp/projects/groundcrew-demo/clusters?location=mars',
      );
      expect(badLocation.status).toBe(400);
      expect(badLocation.body.error.message).toContain('location must be');
    });

    it('passes on what GCP refuses, with its message', async () => {
      const res = await get('/gcp/projects/taken-elsewhere/clusters');
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('taken-elsewhere'),
      });
    });
  });

  describe('GET /gcp/billing-accounts', () => {
    it('lists open accounts first', async () => {
      const res = await get('/gcp/billing-accounts');
      expect(res.body.items.map((a: { name: string }) => a.name)).toEqual([
        'billingAccounts/01A2B3-C4D5E6-F7A8B9',
        'billingAccounts/000000-000000-000000',
      ]);
    });
  });

  describe('GET /fleet/clusters', () => {
    afterEach(() => {
      fleetClusters = [];
    });

    it('lists the clusters of the fleet by name, with their labels and without their endpoints', async () => {
      fleetClusters = [
        fleetCluster('gke-prod-us-east1', {
          environment: 'production',
          region: 'us-east1',
        }),
        fleetCluster('gke-ops', { environment: 'ops', region: 'us-central1' }),
        fleetCluster('gke-team-ai-dev', {}, 'registered'),
      ];
      const res = await get('/fleet/clusters');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            name: 'gke-ops',
            labels: { environment: 'ops', region: 'us-central1' },
            source: 'config',
          },
          {
            name: 'gke-prod-us-east1',
            labels: { environment: 'production', region: 'us-east1' },
            source: 'config',
          },
          { name: 'gke-team-ai-dev', labels: {}, source: 'registered' },
        ],
      });
    });

    it('answers an empty list for an empty fleet', async () => {
      const res = await get('/fleet/clusters');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [] });
    });

    it('refuses a request without credentials', async () => {
      const res = await get('/fleet/clusters', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });
  });
});
