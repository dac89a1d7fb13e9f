import { AssetServiceClient, protos } from '@google-cloud/asset';
// The auth client the portal points Google's clients with (see __testUtils__/gcp.ts for why it is
// not declared).
// eslint-disable-next-line @backstage/no-undeclared-imports
import { StaticTokenAuthClient } from '@groundcrew/plugin-infra-node';
import { bulkGcpProjects } from '../demo/bulkInfra';
import { startSandbox, Sandbox } from '../sandbox';
import { codeOf, errorOf, FAST_GCP } from '../__testUtils__/gcp';
import { ASSET_TYPES } from './asset';
import {
  assetSearchDeniedPrincipal,
  DEMO_GCP,
  DEMO_GCP_OTHER_TOKEN,
} from './demo';

type IRequest = protos.google.cloud.asset.v1.ISearchAllResourcesRequest;
type IResult = protos.google.cloud.asset.v1.IResourceSearchResult;

const ROUTE = 'GET /v1/{scopeType}/{scopeId}:searchAllResources';
const DENIED_TOKEN = 'asset-test-no-search-token';
const AI_PROJECT_NUMBER = '310245688413';

describe('GCP imitation: Cloud Asset Inventory searchAllResources through @google-cloud/asset', () => {
  let sandbox: Sandbox;
  const clients: AssetServiceClient[] = [];

  function assetClient(token?: string) {
    const gcp = sandbox.gcp!;
    const client = new AssetServiceClient({
      fallback: true,
      protocol: 'https',
      apiEndpoint: '127.0.0.1',
      port: Number(new URL(gcp.url).port),
      authClient: new StaticTokenAuthClient({
        token: token ?? gcp.token,
        caPem: sandbox.kubernetes.caPem,
      }),
    });
    clients.push(client);
    return client;
  }

  /** Every result, page by page as the client pages (`autoPaginate: false` in the portal). */
  async function searchAll(request: IRequest, token?: string) {
    const out: IResult[] = [];
    for await (const r of assetClient(token).searchAllResourcesAsync(request, {
      autoPaginate: false,
    })) {
      out.push(r);
    }
    return out;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'gke-ops' }],
      token: 'asset-test-kube-token',
      gcp: {
        timings: FAST_GCP,
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
  });

  it('finds the organization’s projects, enabled services, GKE clusters and Cloud Run services, page by page', async () => {
    const results = await searchAll({
      scope: DEMO_GCP.organization,
      pageSize: 4,
    });
    const byType = (t: string) => results.filter(r => r.assetType === t);
    const state = await sandbox.gcp!.control.state();
    const demo = state.projects.find(p => p.projectId === DEMO_GCP.project)!;

    // The two demo projects of organizations/1000, not the other organization's.
    expect(byType(ASSET_TYPES.project).map(r => r.name)).toEqual([
      `//cloudresourcemanager.googleapis.com/projects/${DEMO_GCP.projectNumber}`,
      `//cloudresourcemanager.googleapis.com/projects/${AI_PROJECT_NUMBER}`,
    ]);
    expect(byType(ASSET_TYPES.project)[0]).toMatchObject({
      project: `projects/${DEMO_GCP.projectNumber}`,
      folders: [DEMO_GCP.folders.platform],
      organization: DEMO_GCP.organization,
      displayName: 'Groundcrew demo',
      labels: { team: 'platform', environment: 'production' },
      state: 'ACTIVE',
      createTime: { seconds: String(Date.parse(demo.createTime) / 1000) },
      parentFullResourceName: `//cloudresourcemanager.googleapis.com/${DEMO_GCP.folders.platform}`,
      parentAssetType: 'cloudresourcemanager.googleapis.com/Folder',
      additionalAttributes: {
        fields: { projectId: { stringValue: DEMO_GCP.project } },
      },
    });

    // One per enabled service of each project.
    const services = byType(ASSET_TYPES.service);
    expect(services.length).toBe(
      state.projects
        .filter(p => p.parent !== DEMO_GCP.otherOrganization)
        .reduce((n, p) => n + p.services.length, 0),
    );
    expect(
      services.find(
        r =>
          r.name ===
          `//serviceusage.googleapis.com/projects/${DEMO_GCP.projectNumber}/services/container.googleapis.com`,
      ),
    ).toMatchObject({
      displayName: 'container.googleapis.com',
      project: `projects/${DEMO_GCP.projectNumber}`,
      state: 'ENABLED',
      parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${DEMO_GCP.projectNumber}`,
      parentAssetType: ASSET_TYPES.project,
    });

    expect(byType(ASSET_TYPES.cluster)).toEqual([
      expect.objectContaining({
        name: `//container.googleapis.com/projects/${DEMO_GCP.project}/locations/us-central1/clusters/gke-ops`,
        displayName: 'gke-ops',
        location: 'us-central1',
        state: 'RUNNING',
        project: `projects/${DEMO_GCP.projectNumber}`,
      }),
    ]);
    expect(byType(ASSET_TYPES.runService)).toEqual([
      expect.objectContaining({
        name: `//run.googleapis.com/projects/${DEMO_GCP.project}/locations/${DEMO_GCP.runService.location}/services/${DEMO_GCP.runService.name}`,
        displayName: DEMO_GCP.runService.name,
        location: DEMO_GCP.runService.location,
        labels: { team: 'platform', environment: 'staging' },
      }),
    ]);

    // Pages of 4: as many calls as pages, no empty last page, no result twice.
    expect(new Set(results.map(r => r.name)).size).toBe(results.length);
    expect(await sandbox.gcp!.control.count(ROUTE)).toBe(
      Math.ceil(results.length / 4),
    );
  });

  it('limits the search to a folder or a project (by id or number)', async () => {
    const inFolder = await searchAll({
      scope: DEMO_GCP.folders.teamAi,
      assetTypes: [ASSET_TYPES.project],
    });
    expect(inFolder.map(r => r.displayName)).toEqual(['AI gateway production']);

    const byId = await searchAll({
      scope: `projects/${DEMO_GCP.aiProject}`,
      assetTypes: [ASSET_TYPES.service],
    });
    const byNumber = await searchAll({
      scope: `projects/${AI_PROJECT_NUMBER}`,
      assetTypes: [ASSET_TYPES.service],
    });
    expect(byId.length).toBeGreaterThan(5);
    expect(byNumber.map(r => r.name)).toEqual(byId.map(r => r.name));
    for (const r of byId)
      expect(r.project).toBe(`projects/${AI_PROJECT_NUMBER}`);

    // An empty folder: no results, no token.
    expect(await searchAll({ scope: DEMO_GCP.folders.teamCommerce })).toEqual(
      [],
    );
  });

  it('selects asset types by RE2 pattern; a pattern matching no supported type is INVALID_ARGUMENT', async () => {
    const containers = await searchAll({
      scope: DEMO_GCP.organization,
      assetTypes: ['container.googleapis.com.*'],
    });
    expect(containers.map(r => r.displayName)).toEqual(['gke-ops']);
    // A type Google supports that the sandbox holds none of: valid, nothing found.
    expect(
      await searchAll({
        scope: DEMO_GCP.organization,
        assetTypes: ['compute.googleapis.com/Instance'],
      }),
    ).toEqual([]);

    const e = await errorOf(
      assetClient().searchAllResources({
        scope: DEMO_GCP.organization,
        assetTypes: [ASSET_TYPES.project, 'example.com/NoSuchThing'],
      }),
    );
    expect(e.code).toBe(3);
    expect(e.message).toContain('example.com/NoSuchThing');
    expect(e.statusDetails?.[0]?.fieldViolations?.[0]?.field).toBe(
      'asset_types[1]',
    );
  });

  it('returns only the fields a read mask names (camelCase or snake_case); an unknown field is INVALID_ARGUMENT', async () => {
    const request = {
      scope: DEMO_GCP.organization,
      assetTypes: [ASSET_TYPES.project],
    };
    const [full] = await searchAll(request);
    expect(full.displayName).toBeTruthy();
    expect(full.additionalAttributes).toBeTruthy();

    const masked = await searchAll({
      ...request,
      readMask: { paths: ['name', 'asset_type', 'state'] },
    });
    expect(masked.length).toBeGreaterThan(1);
    expect(masked[0].name).toBe(full.name);
    expect(masked[0].assetType).toBe(ASSET_TYPES.project);
    expect(masked[0].state).toBe(full.state);
    // The client fills absent fields with their defaults: empty, not the project's.
    expect(masked[0].displayName).toBeFalsy();
    expect(masked[0].project).toBeFalsy();
    expect(masked[0].additionalAttributes).toBeFalsy();

    const all = await searchAll({ ...request, readMask: { paths: ['*'] } });
    expect(all[0].displayName).toBe(full.displayName);

    const e = await errorOf(
      assetClient().searchAllResources({
        ...request,
        readMask: { paths: ['name', 'secretValue'] },
      }),
    );
    expect(e.code).toBe(3);
    expect(e.statusDetails?.[0]?.fieldViolations?.[0]?.field).toBe('read_mask');
  });

  it('caps the page size at 500 and keeps the other request fields fixed across pages', async () => {
    await sandbox.gcp!.control.loadGcpFixture(bulkGcpProjects({ count: 300 }));
    const client = assetClient();
    const request = {
      scope: DEMO_GCP.folders.platform,
      assetTypes: [ASSET_TYPES.service],
      pageSize: 2000,
    };
    const [page, next] = await client.searchAllResources(request, {
      autoPaginate: false,
    });
    expect(page.length).toBe(500);
    expect(next?.pageToken).toBeTruthy();
    // The same token with other asset types is refused.
    expect(
      await codeOf(
        client.searchAllResources({
          ...request,
          assetTypes: [ASSET_TYPES.project],
          pageToken: next!.pageToken,
        }),
      ),
    ).toBe(3);
    const all = await searchAll(request);
    // 300 bulk projects with 2 services each, and the demo project's.
    const demo = (await sandbox.gcp!.control.state()).projects.find(
      p => p.projectId === DEMO_GCP.project,
    )!;
    expect(all.length).toBe(600 + demo.services.length);
  });

  it('lists a project scheduled for deletion, but none of its services', async () => {
    await sandbox.gcp!.control.loadGcpFixture({
      projects: [
        {
          projectId: 'going-away-soon',
          number: '777000000001',
          parent: DEMO_GCP.folders.teamCommerce,
          state: 'DELETE_REQUESTED',
          services: ['storage.googleapis.com'],
        },
      ],
    });
    const results = await searchAll({ scope: DEMO_GCP.folders.teamCommerce });
    expect(results.map(r => [r.assetType, r.state])).toEqual([
      [ASSET_TYPES.project, 'DELETE_REQUESTED'],
    ]);
  });

  it('answers bad scopes and unseen or denied scopes as Google does', async () => {
    const client = assetClient();
    expect(
      await codeOf(client.searchAllResources({ scope: 'folders/platform' })),
    ).toBe(3);
    expect(
      await codeOf(client.searchAllResources({ scope: 'buckets/123' })),
    ).toBe(3);
    // A folder that does not exist and an organization the caller cannot see: the same 403.
    const missing = await errorOf(
      client.searchAllResources({ scope: 'folders/999999' }),
    );
    expect(missing.code).toBe(7);
    expect(missing.message).toContain('cloudasset.assets.searchAllResources');
    expect(
      await codeOf(
        assetClient(DEMO_GCP_OTHER_TOKEN).searchAllResources({
          scope: DEMO_GCP.organization,
        }),
      ),
    ).toBe(7);
    // Sees the organization, lacks the permission.
    const denied = await errorOf(
      assetClient(DENIED_TOKEN).searchAllResources({
        scope: DEMO_GCP.organization,
      }),
    );
    expect(denied.code).toBe(7);
    expect(denied.message).toContain(
      `Permission 'cloudasset.assets.searchAllResources' denied on resource '//cloudresourcemanager.googleapis.com/${DEMO_GCP.organization}'`,
    );
    const counters = await sandbox.gcp!.control.counters();
    expect(counters.routes[ROUTE]).toBe(5);
    expect(counters.mutations).toBe(0);
  });
});
