import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  BackstageCredentials,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import searchPlugin from '@backstage/plugin-search-backend';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  gcpServiceFactory,
  kubernetesFleetServiceFactory,
  vaultServiceFactory,
} from '@groundcrew/plugin-infra-node';
import infraSearchModule from '@groundcrew/plugin-search-backend-module-infra';
import {
  fleetClustersConfig,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import {
  demoCatalogConfig,
  waitForEntities,
} from './__testUtils__/demoCatalog';

jest.setTimeout(180_000);

/**
 * The permission decisions the search backend gets, standing in for the permission backend with a
 * policy that denies reading one entity. Why not the real permission backend: with the test
 * backend's mock auth, a plugin's request on behalf of a user reaches the permission backend as a
 * direct user request (the mock drops the actor), and the permission backend refuses the
 * conditional query the search backend makes first (400, "Resource permissions require a
 * resourceRef"). The decisions here are the ones that policy yields: CONDITIONAL for the type,
 * then DENY for the hidden entity's ref and ALLOW for the others — so what is tested is the real
 * search backend filtering each of our documents by its `authorization.resourceRef`.
 */
const policy = {
  hiddenEntity: undefined as string | undefined,
  /** The principals the decisions were asked for. */
  askedFor: new Set<string>(),
};

function principalOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as { type: string; userEntityRef?: string };
  return p.userEntityRef ?? p.type;
}

/** The test scheduler: the search backend registers the collator's task, the test runs it. */
const scheduler = mockServices.scheduler() as SchedulerService & {
  factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory;
};
const INDEX_TASK = 'search_index_groundcrew_infra';

const permissionsFactory = mockServices.permissions.mock({
  async authorizeConditional(requests, options) {
    policy.askedFor.add(principalOf(options.credentials));
    return requests.map(({ permission }) =>
      policy.hiddenEntity &&
      isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)
        ? {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'catalog',
            resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
            conditions: {
              not: {
                rule: 'HAS_METADATA',
                resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
                params: { key: 'name', value: policy.hiddenEntity },
              },
            },
          }
        : { result: AuthorizeResult.ALLOW },
    ) as never;
  },
  async authorize(requests, options) {
    policy.askedFor.add(principalOf(options.credentials));
    return requests.map(r => ({
      result:
        'resourceRef' in r &&
        r.resourceRef === `component:default/${policy.hiddenEntity}`
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  },
}).factory;

interface Result {
  type: string;
  document: { kind: string; title: string; entityRef: string };
}

describe('infrastructure search, through the search backend and the permission filter', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      gitlab: { enabled: false },
      oidc: { enabled: false },
      teleport: { enabled: false },
      timings: { podStartDelayMs: 10, podReadyDelayMs: 10 },
    });
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            // The demo catalog: the collator takes owners from it.
            ...demoCatalogConfig(),
            // The search backend filters results only with permissions on.
            permission: { enabled: true },
            groundcrew: {
              gcp: {
                endpoint: sandbox.gcp!.url,
                caData: sandbox.kubernetes.caPem,
                credentials: { token: sandbox.gcp!.token },
              },
              kubernetes: { clusters: fleetClustersConfig(sandbox) },
              vault: {
                endpoint: sandbox.vault!.url,
                caData: sandbox.kubernetes.caPem,
                auth: { token: sandbox.vault!.token },
              },
            },
          },
        }),
        permissionsFactory,
        scheduler.factory({ skipTaskRunOnStartup: true }),
        kubernetesFleetServiceFactory,
        gcpServiceFactory,
        vaultServiceFactory,
        catalogPlugin,
        searchPlugin,
        infraSearchModule,
      ],
    });
    await waitForEntities(backend.server, [
      'component/default/ai-gateway',
      'component/default/checkout-api',
    ]);
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  function query(term: string) {
    return request(backend.server)
      .get('/api/search/query')
      .query({ term, types: ['groundcrew-infra'], pageLimit: 100 })
      .set('Authorization', mockCredentials.user.header('user:default/demo'));
  }

  async function search(term: string): Promise<Result[]> {
    const res = await query(term);
    expect(res.status).toBe(200);
    return res.body.results;
  }

  /**
   * The results for `term` once they hold `expected` (`kind title`), running the indexing task
   * as the schedule would (again, until every cluster has answered the watch cache's lists).
   */
  async function indexed(term: string, expected: string[]): Promise<Result[]> {
    const deadline = Date.now() + 100_000;
    for (;;) {
      await scheduler.triggerTask(INDEX_TASK);
      const res = await query(term);
      const results: Result[] = res.status === 200 ? res.body.results : [];
      const found = results.map(r => `${r.document.kind} ${r.document.title}`);
      if (expected.every(e => found.includes(e))) return results;
      if (Date.now() > deadline) {
        throw new Error(
          `not all of ${expected} found for ${term}: ${
            res.status
          } ${JSON.stringify(res.body).slice(0, 2000)}`,
        );
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  }

  it('finds a service, its clusters, projects and Vault paths by name', async () => {
    policy.hiddenEntity = undefined;
    const results = await indexed('ai-gateway', [
      'service ai-gateway',
      'project ai-gateway-prod',
      'vault secret/ai-gateway/openai-api-key',
    ]);
    expect(results.every(r => r.type === 'groundcrew-infra')).toBe(true);
    // Owners come from the catalog where it has the entity (examples/services.yaml).
    const service = results.find(r => r.document.kind === 'service');
    expect((service?.document as { owner?: string }).owner).toBe(
      'group:default/team-ai',
    );
    const clusters = await search('gke-prod-us-east1');
    expect(
      clusters.map(r => `${r.document.kind} ${r.document.title}`),
    ).toContain('cluster gke-prod-us-east1');
  });

  it('shows none of the documents of an entity the policy denies, and the others still', async () => {
    policy.hiddenEntity = undefined;
    const before = await indexed('checkout-api', [
      'service checkout-api',
      'vault secret/checkout-api/stripe-key',
    ]);
    const aboutCheckout = (rs: Result[]) =>
      rs.filter(r => r.document.entityRef === 'component:default/checkout-api');
    expect(aboutCheckout(before).map(r => r.document.kind)).toEqual(
      expect.arrayContaining(['service', 'vault']),
    );

    policy.hiddenEntity = 'checkout-api';
    try {
      expect(aboutCheckout(await search('checkout-api'))).toEqual([]);
      // Other entities' documents pass the same filter (the catalog allows them).
      const aiGateway = await search('ai-gateway');
      expect(aiGateway.map(r => r.document.title)).toContain('ai-gateway');
      expect(aiGateway.some(r => r.document.kind === 'project')).toBe(true);
      // The decisions were asked for the person searching (the catalog asks for its own too).
      expect([...policy.askedFor]).toContain('user:default/demo');
    } finally {
      policy.hiddenEntity = undefined;
    }
  });
});
