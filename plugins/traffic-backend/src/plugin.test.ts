import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  TrafficChangeRecord,
  TrafficChangeResult,
  TrafficView,
} from '@groundcrew/plugin-infra-common';
import { recordingAuditor } from '@groundcrew/plugin-infra-node/testUtils';
import {
  fleetClustersConfig,
  kubeConfigOptions,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import { trafficPlugin } from './plugin';

function component(
  name: string,
  owner: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

// As in examples/services.yaml.
const entities = [
  component('ai-gateway', 'team-ai', {
    'groundcrew.io/runway-service': 'ai-gateway',
  }),
  component('checkout-api', 'team-commerce', {
    'backstage.io/kubernetes-id': 'checkout-api',
  }),
  // A Runway service on Cloud Run (the GCP sandbox's demo service, traffic 90 / 10).
  component('docs-preview', 'team-ai', {
    'groundcrew.io/runway-service': 'docs-preview',
    'groundcrew.io/gcp-project': 'groundcrew-demo',
  }),
  component('search-indexer', 'team-search', {
    'groundcrew.io/runway-service': 'search-indexer',
    'backstage.io/kubernetes-namespace': 'search-indexer',
  }),
];

const catalog = { factory: catalogServiceMock.factory({ entities }) };

/** The decisions of the Groundcrew policy: the entity's owner group, and the platform group. */
const members: Record<string, string[]> = {
  'user:default/demo': ['group:default/team-ai'],
  'user:default/casey': ['group:default/team-commerce'],
  'user:default/pat': ['group:default/platform'],
};
const permissions = mockServices.permissions.mock({
  async authorize(requests, options) {
    const user = (
      options.credentials.principal as { userEntityRef?: string } | undefined
    )?.userEntityRef;
    const claims = user ? members[user] ?? [] : [];
    return requests.map(r => {
      const ref = (r as { resourceRef?: string }).resourceRef;
      const entity = entities.find(e => stringifyEntityRef(e) === ref);
      const owner = `group:default/${entity?.spec?.owner}`;
      const allowed =
        claims.includes('group:default/platform') || claims.includes(owner);
      return { result: allowed ? 'ALLOW' : 'DENY' } as never;
    });
  },
});

const US = 'gke-prod-us-east1';
const EU = 'gke-prod-europe-west1';
const demo = mockCredentials.user.header('user:default/demo');
const casey = mockCredentials.user.header('user:default/casey');
const pat = mockCredentials.user.header('user:default/pat');

function objectsApi(sandbox: Sandbox, cluster: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions(kubeConfigOptions(sandbox, cluster));
  return KubernetesObjectApi.makeApiClient(kc);
}

type Obj = KubernetesObject & {
  spec?: any;
  metadata: { annotations?: Record<string, string>; managedFields?: any[] };
};

async function read(
  sandbox: Sandbox,
  cluster: string,
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
) {
  return (await objectsApi(sandbox, cluster).read({
    apiVersion,
    kind,
    metadata: { name, namespace },
  })) as Obj;
}

const httpRouteWeights = (o: Obj) =>
  o.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight]);

async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise(r => setTimeout(r, 100));
  }
}

jest.setTimeout(30_000);

describe('traffic backend', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const auditor = recordingAuditor();

  beforeAll(async () => {
    sandbox = await startSandbox({
      watchHistorySize: 100,
      timings: {
        podStartDelayMs: 30,
        podReadyDelayMs: 60,
        fluxReadyDelayMs: 20,
        bookmarkIntervalMs: 500,
      },
    });
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:0',
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            groundcrew: {
              kubernetes: { clusters: fleetClustersConfig(sandbox) },
              traffic: { stream: { debounceMs: 20, heartbeatSeconds: 1 } },
              gcp: {
                endpoint: sandbox.gcp!.url,
                caData: sandbox.kubernetes.caPem,
                credentials: { token: sandbox.gcp!.token },
                retry: { attempts: 1, initialBackoffSeconds: 0.01 },
              },
            },
          },
        }),
        catalog.factory,
        permissions.factory,
        createServiceFactory({
          service: coreServices.auditor,
          deps: {},
          factory: () => auditor,
        }),
        trafficPlugin,
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  /** The routes the tests change, as the API server has them, and the view of each. */
  const watched = [
    [
      'ai-gateway',
      US,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    ],
    [
      'ai-gateway',
      EU,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    ],
    [
      'checkout-api',
      US,
      'networking.istio.io/v1',
      'VirtualService',
      'checkout-api',
      'checkout-api',
    ],
    [
      'search-indexer',
      'gke-ops',
      'networking.k8s.io/v1',
      'Ingress',
      'search-indexer',
      'search-indexer-canary',
    ],
  ] as const;

  beforeEach(async () => {
    // Every test starts from the demo fixture (routes back to their demo weights)...
    await Promise.all(Object.values(sandbox.control).map(c => c.reset()));
    auditor.events.length = 0;
    // ...once the cache has seen the reset: each view has the live resourceVersion.
    await eventually(async () => {
      for (const [entity, cluster, apiVersion, kind, ns, name] of watched) {
        const live = await read(sandbox, cluster, apiVersion, kind, ns, name);
        const shown = (await view(entity, pat)).routes.find(
          r => r.cluster === cluster,
        );
        if (shown?.resourceVersion !== live.metadata.resourceVersion) {
          return false;
        }
      }
      return true;
    });
  }, 30_000);

  async function view(name: string, auth = demo): Promise<TrafficView> {
    const res = await request(backend.server)
      .get(`/api/traffic/routes/default/component/${name}`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function history(name: string): Promise<TrafficChangeRecord[]> {
    const res = await request(backend.server)
      .get(`/api/traffic/history/default/component/${name}`)
      .set('Authorization', demo);
    expect(res.status).toBe(200);
    return res.body.changes;
  }

  function change(name: string, body: object, auth = demo) {
    return request(backend.server)
      .post(`/api/traffic/routes/default/component/${name}/changes`)
      .set('Authorization', auth)
      .send(body);
  }

  it('reads the three styles from the cache: HTTPRoute, VirtualService, ingress-nginx canary', async () => {
    const ai = await view('ai-gateway');
    expect(ai.canUpdate).toBe(true);
    expect(ai.routes.map(r => [r.route, r.cluster, r.canaryPercent])).toEqual(
      expect.arrayContaining([
        ['HTTPRoute/ai-gateway/ai-gateway', US, 5],
        ['HTTPRoute/ai-gateway/ai-gateway', EU, 5],
      ]),
    );
    const route = ai.routes.find(r => r.cluster === US)!;
    expect(route.rules[0].backends).toEqual([
      expect.objectContaining({
        name: 'ai-gateway-stable',
        percent: 95,
        canary: false,
      }),
      expect.objectContaining({
        name: 'ai-gateway-canary',
        percent: 5,
        canary: true,
      }),
    ]);
    expect(route.steps).toEqual([5, 25, 50, 100]);
    expect(route.nextStep).toBe(25);

    const checkout = await view('checkout-api');
    expect(checkout.canUpdate).toBe(false); // demo is not in team-commerce
    expect(
      checkout.routes.map(r => [r.kind, r.cluster, r.canaryPercent]),
    ).toEqual(
      expect.arrayContaining([
        ['VirtualService', US, 0],
        ['VirtualService', EU, 0],
      ]),
    );
    // The route's annotation gives its rollout steps.
    expect(checkout.routes[0].steps).toEqual([10, 50, 100]);
    expect(checkout.routes[0].nextStep).toBe(10);

    const search = await view('search-indexer');
    expect(search.routes.map(r => [r.route, r.cluster])).toEqual([
      ['Ingress/search-indexer/search-indexer', 'gke-ops'],
      ['Ingress/search-indexer/search-indexer', US],
    ]);
    expect(search.routes[0].rules[0].backends).toEqual([
      expect.objectContaining({ name: 'search-indexer-stable', percent: 100 }),
      expect.objectContaining({
        name: 'search-indexer-canary',
        percent: 0,
        canary: true,
      }),
    ]);
  });

  it('reads and changes the revision traffic of a Runway service on Cloud Run: only the traffic, with the etag as precondition', async () => {
    const cloudRun = async (auth = demo) => {
      const run = (await view('docs-preview', auth)).routes.filter(
        r => r.kind === 'CloudRunService',
      );
      expect(run).toHaveLength(1);
      return run[0];
    };
    const percents = (r: TrafficView['routes'][number]) =>
      r.rules[0].backends.map(b => [b.name, b.percent, b.canary]);
    const seen = await cloudRun();
    expect(seen).toMatchObject({
      route: 'CloudRunService/groundcrew-demo/docs-preview',
      cluster: 'cloud-run/us-east1',
      canaryPercent: 10,
      nextStep: 25,
    });
    expect(seen.readOnlyReason).toBeUndefined();
    expect(percents(seen)).toEqual([
      ['docs-preview-00001-kaw', 90, false],
      ['docs-preview-00002-ruz', 10, true],
    ]);
    // Every configured region answered (the default regions are all Cloud Run regions), and a
    // project the portal cannot see is no Cloud Run service, not an outage.
    expect(
      (await view('docs-preview')).clusters.map(c => c.name),
    ).not.toContain('cloud-run');
    expect((await view('ai-gateway')).clusters.map(c => c.name)).not.toContain(
      'cloud-run',
    );

    // Not an owner: 403, nothing written.
    const gcpCounters = () => sandbox.gcp!.control.counters();
    const start = await gcpCounters();
    const denied = await change(
      'docs-preview',
      { route: seen.route, cluster: seen.cluster, step: 'next', reason: 'x' },
      casey,
    );
    expect(denied.status).toBe(403);
    // A region that is not configured: 400 naming the field.
    const unknown = await change('docs-preview', {
      route: seen.route,
      cluster: 'cloud-run/mars-north1',
      step: 'next',
      reason: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(
      /^cluster: no Cloud Run region named cloud-run\/mars-north1/,
    );
    expect((await gcpCounters()).mutations).toBe(start.mutations);

    // The next step: one traffic-only update (no new revision), one history row, one audit event.
    const stepped = await change('docs-preview', {
      route: seen.route,
      cluster: seen.cluster,
      step: 'next',
      reason: 'canary healthy for a day',
      resourceVersion: seen.resourceVersion,
    });
    expect(stepped.status).toBe(200);
    expect((stepped.body as TrafficChangeResult).outcomes).toEqual([
      {
        cluster: 'cloud-run/us-east1',
        status: 'changed',
        before: 10,
        after: 25,
      },
    ]);
    expect((await gcpCounters()).mutations).toBe(start.mutations + 1);
    const now = await cloudRun();
    expect(percents(now)).toEqual([
      ['docs-preview-00001-kaw', 75, false],
      ['docs-preview-00002-ruz', 25, true],
    ]);
    expect(now.resourceVersion).not.toBe(seen.resourceVersion);
    const service = (await sandbox.gcp!.control.state()).runServices.find(
      r => r.name === 'docs-preview',
    )!;
    expect(service.latestCreatedRevision).toBe('docs-preview-00002-ruz');
    expect(service.traffic.map(t => t.tag)).toEqual(['', 'canary']);
    expect(await history('docs-preview')).toEqual([
      expect.objectContaining({
        actor: 'user:default/demo',
        route: seen.route,
        cluster: 'cloud-run/us-east1',
        before: 10,
        after: 25,
        action: 'next',
        reason: 'canary healthy for a day',
      }),
    ]);
    expect(auditor.events).toHaveLength(1);
    expect(auditor.events[0]).toMatchObject({
      eventId: 'traffic-change',
      outcome: { status: 'succeeded' },
    });

    // The etag read before the change is stale: 409 with what changed, nothing written.
    const stale = await change('docs-preview', {
      route: seen.route,
      cluster: seen.cluster,
      canaryPercent: 50,
      reason: 'x',
      resourceVersion: seen.resourceVersion,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(
      /changed since it was read \(etag .* → .*\): it is now docs-preview-00001-kaw 75%, docs-preview-00002-ruz 25%/,
    );
    expect((await gcpCounters()).mutations).toBe(start.mutations + 1);

    // Roll back: the stable revision takes everything again and stays listed at 0 % for the canary.
    const back = await change('docs-preview', {
      route: seen.route,
      cluster: seen.cluster,
      step: 'rollback',
      reason: 'latency up',
    });
    expect(back.status).toBe(200);
    expect(percents(await cloudRun())).toEqual([
      ['docs-preview-00001-kaw', 100, false],
      ['docs-preview-00002-ruz', 0, true],
    ]);
    // Once more: nothing to write.
    const again = await change('docs-preview', {
      route: seen.route,
      cluster: seen.cluster,
      step: 'rollback',
      reason: 'latency up',
    });
    expect((again.body as TrafficChangeResult).outcomes[0].status).toBe(
      'unchanged',
    );
    expect((await gcpCounters()).mutations).toBe(start.mutations + 2);
  });

  it('steps an HTTPRoute to the next step with server-side apply; one audit event and one history row', async () => {
    const res = await change('ai-gateway', {
      route: 'HTTPRoute/ai-gateway/ai-gateway',
      cluster: US,
      step: 'next',
      reason: 'error rate flat for an hour',
    });
    expect(res.status).toBe(200);
    expect((res.body as TrafficChangeResult).outcomes).toEqual([
      { cluster: US, status: 'changed', before: 5, after: 25 },
    ]);
    const live = await read(
      sandbox,
      US,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    );
    expect(httpRouteWeights(live)).toEqual([
      ['ai-gateway-stable', 75],
      ['ai-gateway-canary', 25],
    ]);
    // Everything else of the rule is as it was; the weights are ours now.
    expect(live.spec.rules[0].matches).toEqual([
      { path: { type: 'PathPrefix', value: '/' } },
    ]);
    expect(live.spec.parentRefs).toHaveLength(1);
    expect(live.metadata.managedFields!.map((f: any) => f.manager)).toContain(
      'groundcrew-traffic',
    );
    // The other cluster is untouched.
    const eu = await read(
      sandbox,
      EU,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    );
    expect(httpRouteWeights(eu)[1]).toEqual(['ai-gateway-canary', 5]);

    expect(auditor.events).toHaveLength(1);
    expect(auditor.events[0]).toMatchObject({
      eventId: 'traffic-change',
      meta: {
        actor: 'user:default/demo',
        entityRef: 'component:default/ai-gateway',
        route: 'HTTPRoute/ai-gateway/ai-gateway',
        reason: 'error rate flat for an hour',
        before: { [US]: 5 },
      },
      outcome: { status: 'succeeded' },
    });
    const rows = (await history('ai-gateway')).filter(r => r.cluster === US);
    expect(rows.at(-1)).toMatchObject({
      actor: 'user:default/demo',
      route: 'HTTPRoute/ai-gateway/ai-gateway',
      before: 5,
      after: 25,
      action: 'next',
      reason: 'error rate flat for an hour',
    });
    // The cache follows: the view shows the new share.
    await eventually(
      async () =>
        (await view('ai-gateway')).routes.find(r => r.cluster === US)
          ?.canaryPercent === 25,
    );
  });

  it('sets an Istio VirtualService share, and an ingress-nginx canary weight', async () => {
    const vs = await change(
      'checkout-api',
      {
        route: 'VirtualService/checkout-api/checkout-api',
        cluster: US,
        canaryPercent: 10,
        reason: 'first canary of 2.9.0',
      },
      casey,
    );
    expect(vs.status).toBe(200);
    const liveVs = await read(
      sandbox,
      US,
      'networking.istio.io/v1',
      'VirtualService',
      'checkout-api',
      'checkout-api',
    );
    expect(liveVs.spec.http[0].route.map((d: any) => d.weight)).toEqual([
      90, 10,
    ]);
    expect(liveVs.spec.http[0].name).toBe('primary');

    const ing = await change(
      'search-indexer',
      {
        route: 'Ingress/search-indexer/search-indexer',
        cluster: 'gke-ops',
        canaryPercent: 30,
        reason: 'try the new analyser',
      },
      pat,
    );
    expect(ing.status).toBe(200);
    expect(ing.body.outcomes[0]).toMatchObject({ before: 0, after: 30 });
    const canary = await read(
      sandbox,
      'gke-ops',
      'networking.k8s.io/v1',
      'Ingress',
      'search-indexer',
      'search-indexer-canary',
    );
    expect(canary.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '30',
    });
    expect(auditor.events.map(e => e.meta?.actor)).toEqual([
      'user:default/casey',
      'user:default/pat',
    ]);
    // Rolling back sets the canary to 0.
    const back = await change(
      'search-indexer',
      {
        route: 'Ingress/search-indexer/search-indexer',
        cluster: 'gke-ops',
        step: 'rollback',
        reason: 'latency up',
      },
      pat,
    );
    expect(back.status).toBe(200);
    expect(back.body.outcomes[0]).toMatchObject({ before: 30, after: 0 });
  });

  it('answers 409 with what changed when the route moved since it was read, and writes nothing', async () => {
    const seen = (await view('ai-gateway')).routes.find(r => r.cluster === US)!;
    // Someone else (kubectl, another tool) applies other weights meanwhile.
    const live = await read(
      sandbox,
      US,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    );
    const rules = live.spec.rules.map((r: any) => ({
      ...r,
      backendRefs: r.backendRefs.map((b: any) => ({
        ...b,
        weight: b.name.endsWith('canary') ? 40 : 60,
      })),
    }));
    await objectsApi(sandbox, US).patch(
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'ai-gateway', namespace: 'ai-gateway' },
        spec: { rules },
      },
      undefined,
      undefined,
      'kubectl',
      true,
      PatchStrategy.ServerSideApply,
    );
    const before = await history('ai-gateway');
    const res = await change('ai-gateway', {
      route: seen.route,
      cluster: US,
      canaryPercent: 25,
      reason: 'next step',
      resourceVersion: seen.resourceVersion,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.name).toBe('ConflictError');
    expect(res.body.error.message).toMatch(
      /changed since it was read \(resourceVersion \d+ → \d+\): it is now ai-gateway-stable 60%, ai-gateway-canary 40%/,
    );
    const after = await read(
      sandbox,
      US,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    );
    expect(httpRouteWeights(after)[1]).toEqual(['ai-gateway-canary', 40]);
    expect(await history('ai-gateway')).toEqual(before);
    expect(auditor.events[0].outcome).toMatchObject({ status: 'failed' });
  });

  it('answers 403 to a user who does not own the entity, and writes nothing', async () => {
    const res = await change(
      'ai-gateway',
      {
        route: 'HTTPRoute/ai-gateway/ai-gateway',
        cluster: US,
        canaryPercent: 50,
        reason: 'not mine',
      },
      casey,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    const live = await read(
      sandbox,
      US,
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'ai-gateway',
      'ai-gateway',
    );
    expect(httpRouteWeights(live)[1]).toEqual(['ai-gateway-canary', 5]);
    expect(auditor.events).toHaveLength(0);
    expect((await view('ai-gateway', casey)).canUpdate).toBe(false);
  });

  const route = 'HTTPRoute/ai-gateway/ai-gateway';
  it.each([
    [
      'a share above 100',
      { route, cluster: US, canaryPercent: 101, reason: 'x' },
      'canaryPercent',
    ],
    [
      'a share below 0',
      { route, cluster: US, canaryPercent: -1, reason: 'x' },
      'canaryPercent',
    ],
    [
      'a fractional share',
      { route, cluster: US, canaryPercent: 12.5, reason: 'x' },
      'canaryPercent',
    ],
    [
      'a share as text',
      { route, cluster: US, canaryPercent: '25', reason: 'x' },
      'canaryPercent',
    ],
    ['no reason', { route, cluster: US, canaryPercent: 25 }, 'reason'],
    [
      'a blank reason',
      { route, cluster: US, canaryPercent: 25, reason: '  ' },
      'reason',
    ],
    [
      'both a share and a step',
      { route, cluster: US, canaryPercent: 25, step: 'next', reason: 'x' },
      'canaryPercent',
    ],
    [
      'neither a share nor a step',
      { route, cluster: US, reason: 'x' },
      'canaryPercent',
    ],
    [
      'an unknown step',
      { route, cluster: US, step: 'up', reason: 'x' },
      'step',
    ],
    [
      'an unknown cluster',
      { route, cluster: 'gke-nowhere', canaryPercent: 25, reason: 'x' },
      'cluster',
    ],
    [
      'a route of another entity',
      {
        route: 'VirtualService/checkout-api/checkout-api',
        cluster: US,
        canaryPercent: 25,
        reason: 'x',
      },
      'route',
    ],
    [
      'a backend not in the route',
      {
        route,
        cluster: US,
        canaryPercent: 25,
        backend: 'payments',
        reason: 'x',
      },
      'backend',
    ],
    [
      'the stable backend as the canary',
      {
        route,
        cluster: US,
        canaryPercent: 25,
        backend: 'ai-gateway-stable',
        reason: 'x',
      },
      'backend',
    ],
    [
      'an unknown field',
      { route, cluster: US, canaryPercent: 25, reason: 'x', weight: 3 },
      'body',
    ],
  ])(
    'answers 400 for %s, naming the field, and changes nothing',
    async (_, body, field) => {
      const res = await change('ai-gateway', body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(
        new RegExp(`^${field}\\b|${field}`),
      );
      const live = await read(
        sandbox,
        US,
        'gateway.networking.k8s.io/v1',
        'HTTPRoute',
        'ai-gateway',
        'ai-gateway',
      );
      expect(httpRouteWeights(live)[1]).toEqual(['ai-gateway-canary', 5]);
      expect(auditor.events).toHaveLength(0);
    },
  );

  it('answers 400 when the canary already takes everything and the step is next', async () => {
    const first = await change('ai-gateway', {
      route,
      cluster: US,
      canaryPercent: 100,
      reason: 'all in',
    });
    expect(first.status).toBe(200);
    await eventually(
      async () =>
        (await view('ai-gateway')).routes.find(r => r.cluster === US)
          ?.canaryPercent === 100,
    );
    const res = await change('ai-gateway', {
      route,
      cluster: US,
      step: 'next',
      reason: 'more',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^step: .*no next step/);
  });

  it('changes several clusters and says which changed and which did not (one down)', async () => {
    await sandbox.control[EU].down();
    try {
      const res = await change('ai-gateway', {
        route,
        cluster: [US, EU],
        canaryPercent: 25,
        reason: 'both regions',
      });
      expect(res.status).toBe(207);
      const outcomes = (res.body as TrafficChangeResult).outcomes;
      expect(outcomes[0]).toEqual({
        cluster: US,
        status: 'changed',
        before: 5,
        after: 25,
      });
      expect(outcomes[1]).toMatchObject({
        cluster: EU,
        status: 'failed',
        error: { name: 'ServiceUnavailableError', statusCode: 503 },
      });
      expect(outcomes[1].error!.message).toContain(EU);
      const rows = await history('ai-gateway');
      expect(
        rows.filter(r => r.reason === 'both regions').map(r => r.cluster),
      ).toEqual([US]);
      // One cluster alone, down: the error itself.
      const alone = await change('ai-gateway', {
        route,
        cluster: EU,
        canaryPercent: 25,
        reason: 'eu',
      });
      expect(alone.status).toBe(503);
      expect(alone.body.error.message).toContain(EU);
    } finally {
      await sandbox.control[EU].up();
    }
  }, 30_000);

  it('streams the view and follows a change made with kubectl', async () => {
    const url = `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }/api/traffic/routes/default/component/ai-gateway/stream`;
    const controller = new AbortController();
    const views: TrafficView[] = [];
    const reading = (async () => {
      const res = await fetch(url, {
        headers: { Authorization: demo },
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (
          let cut = buffer.indexOf('\n\n');
          cut >= 0;
          cut = buffer.indexOf('\n\n')
        ) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find(l => l.startsWith('data: '));
          if (data) views.push(JSON.parse(data.slice(6)));
        }
      }
    })().catch(e => {
      if ((e as Error).name !== 'AbortError') throw e;
    });
    try {
      await eventually(async () => views.length >= 1);
      expect(views[0].routes.find(r => r.cluster === US)?.canaryPercent).toBe(
        5,
      );
      const live = await read(
        sandbox,
        US,
        'gateway.networking.k8s.io/v1',
        'HTTPRoute',
        'ai-gateway',
        'ai-gateway',
      );
      await objectsApi(sandbox, US).patch(
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'ai-gateway', namespace: 'ai-gateway' },
          spec: {
            rules: live.spec.rules.map((r: any) => ({
              ...r,
              backendRefs: r.backendRefs.map((b: any) => ({
                ...b,
                weight: b.name.endsWith('canary') ? 50 : 50,
              })),
            })),
          },
        },
        undefined,
        undefined,
        'kubectl',
        true,
        PatchStrategy.ServerSideApply,
      );
      await eventually(async () =>
        views.some(
          v => v.routes.find(r => r.cluster === US)?.canaryPercent === 50,
        ),
      );
    } finally {
      controller.abort();
      await reading;
    }
  });
});
