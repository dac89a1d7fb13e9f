import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  assetSearchDeniedPrincipal,
  DEMO_GCP,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import type { GcpAsset } from './GcpService';
import { GoogleCloud } from './GoogleCloud';

const ROUTE = 'GET /v1/{scopeType}/{scopeId}:searchAllResources';
const DENIED_TOKEN = 'asset-client-denied-token';
const TYPES = {
  project: 'cloudresourcemanager.googleapis.com/Project',
  service: 'serviceusage.googleapis.com/Service',
  cluster: 'container.googleapis.com/Cluster',
  run: 'run.googleapis.com/Service',
};

describe('GoogleCloud: Cloud Asset Inventory through @google-cloud/asset against the sandbox', () => {
  let sandbox: Sandbox;
  const clients: GoogleCloud[] = [];

  function googleCloud(token = sandbox.gcp!.token) {
    const gcp = GoogleCloud.create({
      config: {
        endpoint: new URL(sandbox.gcp!.url),
        caPem: sandbox.kubernetes.caPem,
        auth: { type: 'token', token },
        retryAttempts: 3,
        retryInitialBackoffMs: 10,
        operationPollIntervalMs: 15,
        regions: ['us-central1'],
      },
      logger: mockServices.logger.mock(),
    });
    clients.push(gcp);
    return gcp;
  }

  async function collect(it: AsyncIterable<GcpAsset>) {
    const out: GcpAsset[] = [];
    for await (const a of it) out.push(a);
    return out;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'gke-ops' }],
      token: 'asset-client-kube-token',
      gcp: {
        fixture: {
          principals: [assetSearchDeniedPrincipal(DENIED_TOKEN)],
        },
      },
      gitlab: { enabled: false },
      oidc: { enabled: false },
      teleport: { enabled: false },
      vault: { enabled: false },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await sandbox.stop();
  });
  beforeEach(async () => {
    await sandbox.gcp!.control.reset();
    await sandbox.gcp!.control.resetCounters();
    await sandbox.gcp!.control.clearFaults();
  });

  it('streams the projects, enabled APIs, GKE clusters and Cloud Run services of an organization, with their name parts', async () => {
    const assets = await collect(
      googleCloud().searchAssets({
        scope: DEMO_GCP.organization,
        assetTypes: Object.values(TYPES),
        pageSize: 5,
      }),
    );
    const project = assets.find(
      a => a.assetType === TYPES.project && a.projectId === DEMO_GCP.project,
    );
    expect(project).toEqual({
      assetType: TYPES.project,
      fullName: `//cloudresourcemanager.googleapis.com/projects/${DEMO_GCP.projectNumber}`,
      projectNumber: DEMO_GCP.projectNumber,
      projectId: DEMO_GCP.project,
      name: DEMO_GCP.projectNumber,
      location: 'global',
      displayName: 'Groundcrew demo',
      labels: { team: 'platform', environment: 'production' },
      state: 'ACTIVE',
    });
    // Service Usage names the project by number only.
    expect(
      assets.find(
        a =>
          a.assetType === TYPES.service &&
          a.projectNumber === DEMO_GCP.projectNumber &&
          a.name === 'run.googleapis.com',
      ),
    ).toMatchObject({ state: 'ENABLED', location: 'global' });
    expect(
      assets.filter(a => a.assetType === TYPES.service)[0].projectId,
    ).toBeUndefined();
    expect(assets.filter(a => a.assetType === TYPES.cluster)).toEqual([
      expect.objectContaining({
        name: 'gke-ops',
        projectId: DEMO_GCP.project,
        projectNumber: DEMO_GCP.projectNumber,
        location: 'us-central1',
        state: 'RUNNING',
      }),
    ]);
    expect(assets.filter(a => a.assetType === TYPES.run)).toEqual([
      expect.objectContaining({
        name: DEMO_GCP.runService.name,
        projectId: DEMO_GCP.project,
        location: DEMO_GCP.runService.location,
        labels: { team: 'platform', environment: 'staging' },
      }),
    ]);
    // One call per page of 5.
    expect(await sandbox.gcp!.control.count(ROUTE)).toBe(
      Math.ceil(assets.length / 5),
    );
  });

  it('reads only the fields asked for (the read mask), on every page', async () => {
    const assets = await collect(
      googleCloud().searchAssets({
        scope: DEMO_GCP.organization,
        assetTypes: [TYPES.service, TYPES.cluster],
        pageSize: 5,
        fields: ['name', 'assetType', 'project', 'state'],
      }),
    );
    expect(assets.length).toBeGreaterThan(5);
    const cluster = assets.find(a => a.assetType === TYPES.cluster);
    // What was asked for is there; what was not comes back empty (no location, no labels).
    expect(cluster).toEqual({
      assetType: TYPES.cluster,
      fullName: expect.stringMatching(/clusters\/gke-ops$/),
      projectNumber: DEMO_GCP.projectNumber,
      projectId: DEMO_GCP.project,
      name: 'gke-ops',
      location: 'us-central1',
      displayName: '',
      labels: {},
      state: 'RUNNING',
    });
    expect(
      assets.every(a => a.projectNumber && a.state && a.displayName === ''),
    ).toBe(true);
  });

  it('makes each Google client on its first call, and only the ones called', async () => {
    const gcp = googleCloud();
    expect(gcp.clientsMade()).toEqual([]);
    await collect(
      gcp.searchAssets({
        scope: DEMO_GCP.organization,
        assetTypes: [TYPES.project],
      }),
    );
    expect(await gcp.getProject(DEMO_GCP.project)).toMatchObject({
      projectId: DEMO_GCP.project,
    });
    await gcp.getProject(DEMO_GCP.project);
    expect(gcp.clientsMade().sort()).toEqual([
      'AssetServiceClient',
      'ProjectsClient',
    ]);
    // Closing closes what was made; a call after it makes its client again.
    await gcp.close();
    expect(gcp.clientsMade()).toEqual([]);
  });

  it('retries a page GCP answers 503 without restarting the search', async () => {
    const gcp = googleCloud();
    const all = await collect(
      gcp.searchAssets({
        scope: DEMO_GCP.organization,
        assetTypes: [TYPES.service],
        pageSize: 4,
      }),
    );
    await sandbox.gcp!.control.resetCounters();
    const seen: GcpAsset[] = [];
    for await (const a of gcp.searchAssets({
      scope: DEMO_GCP.organization,
      assetTypes: [TYPES.service],
      pageSize: 4,
    })) {
      seen.push(a);
      // After the first page: the next call fails once.
      if (seen.length === 4) {
        await sandbox.gcp!.control.injectFault({
          path: 'searchAllResources',
          status: 503,
          count: 1,
        });
      }
    }
    expect(seen.map(a => a.fullName)).toEqual(all.map(a => a.fullName));
    const pages = Math.ceil(all.length / 4);
    expect(await sandbox.gcp!.control.count(ROUTE)).toBe(pages + 1);
  });

  it('says NotAllowedError when the permission is missing, InputError for a bad asset type', async () => {
    await expect(
      collect(
        googleCloud(DENIED_TOKEN).searchAssets({
          scope: DEMO_GCP.organization,
          assetTypes: [TYPES.service],
        }),
      ),
    ).rejects.toThrow(NotAllowedError);
    const bad = collect(
      googleCloud().searchAssets({
        scope: DEMO_GCP.organization,
        assetTypes: ['nothing.example.com/Thing'],
      }),
    );
    await expect(bad).rejects.toThrow(InputError);
    await expect(bad).rejects.toThrow(
      /Searching the GCP assets of organizations\/1000: .*nothing\.example\.com\/Thing/,
    );
  });
});
