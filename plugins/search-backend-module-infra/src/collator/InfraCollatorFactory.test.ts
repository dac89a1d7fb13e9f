import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';
import {
  assetSearchDeniedPrincipal,
  DEMO_GCP,
  VAULT_CANARY,
} from '@groundcrew/sandbox';
import { startInfraSandbox } from '../__testUtils__/infraSandbox';
import type { InfraSearchSettings } from '../config';
import { InfraCollatorFactory } from './InfraCollatorFactory';

jest.setTimeout(60_000);

const LIST_SERVICES = 'GET /v1/projects/{project}/services';
const SEARCH_ASSETS = 'GET /v1/{scopeType}/{scopeId}:searchAllResources';
const LIST_CLUSTERS =
  'GET /v1/projects/{project}/locations/{location}/clusters';
const LIST_RUN_SERVICES =
  'GET /v2/projects/{project}/locations/{location}/services';

/** Documents as comparable strings, in a stable order. */
function asSet(docs: InfraSearchDocument[]) {
  return docs.map(d => JSON.stringify(d)).sort();
}

async function collect(factory: InfraCollatorFactory) {
  const docs: InfraSearchDocument[] = [];
  for await (const d of await factory.getCollator()) docs.push(d);
  return docs;
}

describe('InfraCollatorFactory against the sandbox', () => {
  let env: Awaited<ReturnType<typeof startInfraSandbox>>;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    env = await startInfraSandbox({
      gcp: { timings: { runServiceCreateMs: 20 } },
    });
    await env.cache.waitForSync(20_000);
  });
  afterAll(() => env?.stop());

  function factory(
    settings: Partial<InfraSearchSettings> = {},
    log: LoggerService = logger,
  ) {
    return InfraCollatorFactory.create({
      cache: env.cache,
      gcp: env.gcp,
      vault: env.vault,
      logger: log,
      settings: { concurrency: 4, ...settings },
    });
  }

  /** GCP calls of one collation, by route. */
  async function gcpCalls(run: () => Promise<unknown>) {
    const control = env.sandbox.gcp!.control;
    await control.resetCounters();
    await run();
    const { routes } = await control.counters();
    return {
      listServices: routes[LIST_SERVICES] ?? 0,
      searchAssets: routes[SEARCH_ASSETS] ?? 0,
      listClusters: routes[LIST_CLUSTERS] ?? 0,
      listRunServices: routes[LIST_RUN_SERVICES] ?? 0,
    };
  }

  it('streams the demo services, clusters, projects and Vault paths', async () => {
    const docs = await collect(factory());
    const byTitle = (kind: string, title: string) =>
      docs.find(d => d.kind === kind && d.title === title);

    expect(byTitle('service', 'ai-gateway')).toMatchObject({
      entityRef: 'component:default/ai-gateway',
      location: '/catalog/default/component/ai-gateway',
      clusters: ['gke-prod-europe-west1', 'gke-prod-us-east1'],
      environments: ['production'],
      regions: ['europe-west1', 'us-east1'],
      hostnames: [
        'ai-gateway.gke-prod-europe-west1.example.com',
        'ai-gateway.gke-prod-us-east1.example.com',
      ],
      routes: ['HTTPRoute ai-gateway/ai-gateway'],
    });
    expect(byTitle('service', 'search-indexer')?.clusters).toEqual([
      'gke-ops',
      'gke-prod-us-east1',
    ]);

    expect(byTitle('cluster', 'gke-prod-us-east1')).toMatchObject({
      entityRef: 'resource:default/gke-prod-us-east1',
      location: '/catalog/default/resource/gke-prod-us-east1',
      project: 'groundcrew-demo',
      regions: ['us-east1'],
      environments: ['production'],
      status: 'ok',
      // ai-gateway, checkout-api, search-indexer
      workloads: 3,
    });
    expect(byTitle('cluster', 'gke-prod-us-east1')?.version).toMatch(/^1\./);
    // Searching a service finds the clusters it runs on.
    expect(byTitle('cluster', 'gke-ops')?.text).toContain('search-indexer');

    const project = byTitle('project', 'ai-gateway-prod');
    expect(project).toMatchObject({
      entityRef: 'resource:default/ai-gateway-prod',
      owner: 'group:default/team-ai',
      status: 'ACTIVE',
    });
    expect(project?.labels).toContain('service=ai-gateway');
    expect(project?.apis).toContain('container.googleapis.com');
    expect(byTitle('project', 'groundcrew-demo')?.clusters).toEqual([
      'gke-ops',
      'gke-prod-europe-west1',
      'gke-prod-us-east1',
    ]);
    // In another organization: GCP does not show it to the portal, nor does search.
    expect(byTitle('project', 'taken-elsewhere')).toBeUndefined();

    const key = byTitle('vault', 'secret/ai-gateway/openai-api-key');
    expect(key).toMatchObject({
      entityRef: 'component:default/ai-gateway',
      location:
        '/catalog/default/component/ai-gateway/secrets?path=secret%2Fai-gateway%2Fopenai-api-key',
    });
    // The portal's policy denies secret/metadata/platform/*: such names are not listed at all.
    expect(docs.some(d => d.title.startsWith('secret/platform/'))).toBe(false);

    // Every document: owner, the entity it is about as its authorization, a unique location.
    for (const d of docs) {
      expect(d.owner).toMatch(/^group:default\/./);
      expect(d.authorization).toEqual({ resourceRef: d.entityRef });
    }
    expect(new Set(docs.map(d => d.location)).size).toBe(docs.length);
  });

  it('never puts a secret value in a document, nor reads one', async () => {
    const before = await env.sandbox.vault!.control.dataReads();
    const docs = await collect(factory());
    expect(docs.filter(d => d.kind === 'vault').length).toBeGreaterThan(3);
    for (const d of docs) expect(JSON.stringify(d)).not.toContain(VAULT_CANARY);
    expect(await env.sandbox.vault!.control.dataReads()).toBe(before);
  });

  it('takes owners from catalog entities where they exist', async () => {
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'ai-gateway', namespace: 'default' },
          spec: { owner: 'team-ai' },
          relations: [{ type: 'ownedBy', targetRef: 'group:default/team-ai' }],
        },
      ],
    });
    const docs = await collect(
      InfraCollatorFactory.create({
        cache: env.cache,
        gcp: env.gcp,
        vault: env.vault,
        logger,
        catalog: { service: catalog, auth: mockServices.auth() },
      }),
    );
    const aiGateway = docs.filter(
      d => d.entityRef === 'component:default/ai-gateway',
    );
    expect(aiGateway.map(d => d.kind)).toEqual(
      expect.arrayContaining(['service', 'vault']),
    );
    for (const d of aiGateway) expect(d.owner).toBe('group:default/team-ai');
    // Not in this catalog: the owner from labels (none: the platform group).
    expect(
      docs.find(d => d.kind === 'service' && d.title === 'checkout-api')?.owner,
    ).toBe('group:default/platform');
  });

  it('fails the run, naming the source, when Vault is down (the engines keep the last good index)', async () => {
    const control = env.sandbox.vault!.control;
    await control.down();
    try {
      const docs: InfraSearchDocument[] = [];
      await expect(async () => {
        for await (const d of await factory().getCollator()) docs.push(d);
      }).rejects.toThrow(/Vault could not be read/);
      // What came before Vault was streamed: the failure is at the end, not silent.
      expect(docs.some(d => d.kind === 'service')).toBe(true);
      expect(docs.some(d => d.kind === 'vault')).toBe(false);
    } finally {
      await control.up();
    }
  });

  it('fails the run, naming the source, when GCP answers errors', async () => {
    const control = env.sandbox.gcp!.control;
    await control.injectFault({ status: 500, count: 5 });
    try {
      await expect(collect(factory())).rejects.toThrow(/GCP could not be read/);
    } finally {
      await control.clearFaults();
    }
  });
  it('with groundcrew.search.assetScope: the same documents from one asset search, no Service Usage call', async () => {
    let perProject: InfraSearchDocument[] = [];
    let fromAssets: InfraSearchDocument[] = [];
    const without = await gcpCalls(async () => {
      perProject = await collect(factory());
    });
    const withScope = await gcpCalls(async () => {
      fromAssets = await collect(
        factory({ assetScope: DEMO_GCP.organization }),
      );
    });
    expect(asSet(fromAssets)).toEqual(asSet(perProject));
    expect(fromAssets.length).toBeGreaterThan(10);
    // Both demo projects enable the Container and Cloud Run APIs.
    expect(without).toEqual({
      listServices: 2,
      searchAssets: 0,
      listClusters: 2,
      listRunServices: 2,
    });
    expect(withScope).toEqual({
      listServices: 0,
      searchAssets: 1,
      // Only the project the asset search showed to hold clusters / Cloud Run services.
      listClusters: 1,
      listRunServices: 1,
    });

    // A scope that covers part of the projects: the others are read per project.
    let partial: InfraSearchDocument[] = [];
    const folder = await gcpCalls(async () => {
      partial = await collect(factory({ assetScope: DEMO_GCP.folders.teamAi }));
    });
    expect(asSet(partial)).toEqual(asSet(perProject));
    // groundcrew-demo (folder platform) per project; ai-gateway-prod from the search.
    expect(folder.listServices).toBe(1);
  });

  it('indexes Cloud Run services as service documents: one per name, merged with the cluster service of that name', async () => {
    const docs = await collect(factory());
    const preview = docs.filter(d => d.title === DEMO_GCP.runService.name);
    expect(preview).toEqual([
      expect.objectContaining({
        kind: 'service',
        entityRef: `component:default/${DEMO_GCP.runService.name}`,
        owner: 'group:default/platform',
        project: DEMO_GCP.project,
        regions: [DEMO_GCP.runService.location],
        environments: ['staging'],
        clusters: [],
        hostnames: [
          expect.stringMatching(/^docs-preview-[a-z0-9]+-ue\.a\.run\.app$/),
        ],
      }),
    ]);
    expect(preview[0].text).toContain('cloud run');

    // ai-gateway also on Cloud Run, in its own project: still one service document.
    await env.gcp.createRunService(
      {
        projectId: DEMO_GCP.aiProject,
        location: 'asia-east1',
        name: 'ai-gateway',
      },
      {
        labels: { team: 'team-ai' },
        template: {
          image: 'registry.example.com/ai-gateway:1.0.0',
          containerPort: 8080,
          env: [],
          minInstances: 0,
          maxInstances: 2,
        },
        traffic: [],
      },
    );
    try {
      for (const settings of [{}, { assetScope: DEMO_GCP.organization }]) {
        const all = await collect(factory(settings));
        const aiGateway = all.filter(
          d => d.kind === 'service' && d.title === 'ai-gateway',
        );
        expect(aiGateway).toEqual([
          expect.objectContaining({
            clusters: ['gke-prod-europe-west1', 'gke-prod-us-east1'],
            regions: ['asia-east1', 'europe-west1', 'us-east1'],
            project: DEMO_GCP.aiProject,
          }),
        ]);
        expect(aiGateway[0].hostnames).toEqual(
          expect.arrayContaining([
            'ai-gateway.gke-prod-us-east1.example.com',
            expect.stringMatching(/^ai-gateway-[a-z0-9]+-de\.a\.run\.app$/),
          ]),
        );
      }
    } finally {
      await env.sandbox.gcp!.control.reset();
    }
  });

  it('with groundcrew.search.assetScope: a project in the scope with nothing enabled is read per project', async () => {
    const gcp = env.sandbox.gcp!;
    // The asset search does not return projects themselves: this one shows in no result.
    await gcp.control.loadGcpFixture({
      projects: [
        {
          projectId: 'quiet-empty-project',
          parent: DEMO_GCP.folders.platform,
          labels: { team: 'platform' },
        },
      ],
    });
    try {
      let docs: InfraSearchDocument[] = [];
      const calls = await gcpCalls(async () => {
        docs = await collect(factory({ assetScope: DEMO_GCP.organization }));
      });
      expect(docs.find(d => d.title === 'quiet-empty-project')).toMatchObject({
        kind: 'project',
        apis: [],
        clusters: [],
      });
      expect(calls).toEqual({
        listServices: 1,
        searchAssets: 1,
        listClusters: 1,
        listRunServices: 1,
      });
    } finally {
      await gcp.control.reset();
    }
  });

  it('falls back to per-project reads, with a warning naming the setting, when the asset search is denied', async () => {
    const gcp = env.sandbox.gcp!;
    const perProject = await collect(factory());
    await gcp.control.loadGcpFixture({
      principals: [assetSearchDeniedPrincipal(gcp.token, gcp.principal)],
    });
    const warned = mockServices.logger.mock();
    try {
      let docs: InfraSearchDocument[] = [];
      const calls = await gcpCalls(async () => {
        docs = await collect(
          factory({ assetScope: DEMO_GCP.organization }, warned),
        );
      });
      expect(asSet(docs)).toEqual(asSet(perProject));
      expect(calls.searchAssets).toBe(1);
      expect(calls.listServices).toBeGreaterThanOrEqual(2);
      expect(warned.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^groundcrew\.search\.assetScope: Cloud Asset Inventory refuses to search organizations\/1000 .*cloudasset\.assets\.searchAllResources/,
        ),
      );
    } finally {
      await gcp.control.reset();
    }
  });
});
