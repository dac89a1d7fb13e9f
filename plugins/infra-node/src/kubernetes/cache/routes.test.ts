import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { kubeConfigOptions, Sandbox, startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import { CACHE_KINDS } from './ClusterWatcher';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';

const CLUSTER = 'gke-prod-us-east1';

describe('the cache holds the kinds plugins ask for; routes: HTTPRoute, VirtualService, Ingress', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox();
  }, 30_000);
  afterAll(() => sandbox.stop());

  it('watches nothing until a plugin asks and then only what it asks for; lists the demo routes, and follows a weight changed by server-side apply', async () => {
    const control = sandbox.control[CLUSTER];
    await control.resetCounters();
    const { services, stop } = await startProbeBackend({
      sandbox,
      clusters: [CLUSTER],
      refs: { cache: kubernetesCacheServiceRef },
      watch: [],
    });
    const { cache } = services;
    const requested = async (pattern: RegExp) =>
      Object.keys((await control.counters()).routes).filter(r =>
        pattern.test(r),
      );
    const ROUTES = /httproutes|virtualservices|ingresses/;
    try {
      // No plugin has asked yet: nothing is listed or watched.
      expect(await cache.waitForSync(20_000)).toBe(true);
      expect(await requested(/./)).toEqual([]);

      // A plugin that reads Deployments (the cluster page, say) gets them, and nothing else.
      cache.watch(CACHE_KINDS.deployments);
      await eventually(() => [...cache.deployments(CLUSTER)].length > 0);
      expect(await cache.waitForSync(20_000)).toBe(true);
      expect(cache.routes(CLUSTER)).toEqual([]);
      expect(
        await requested(/pods|replicasets|events|namespaces|helmreleases/),
      ).toEqual([]);
      expect(await requested(ROUTES)).toEqual([]);

      cache.watch(CACHE_KINDS.routes);
      cache.watch(CACHE_KINDS.routes);
      await eventually(() => cache.routes(CLUSTER).length === 4);
      expect(await cache.waitForSync(20_000)).toBe(true);
      expect(cache.clusters().find(c => c.name === CLUSTER)?.state).toBe('ok');
      // One list (and one watch) per route kind, however often a plugin asks.
      const lists = await control.counters();
      for (const kind of ['httproutes', 'virtualservices', 'ingresses']) {
        const listed = Object.entries(lists.routes).filter(
          ([r]) => r.includes(kind) && !r.endsWith('?watch'),
        );
        expect(listed.map(([, n]) => n)).toEqual([1]);
      }
      const routes = cache.routes(CLUSTER);
      expect(
        routes.map(r => `${r.kind} ${r.namespace}/${r.name}`).sort(),
      ).toEqual([
        'HTTPRoute ai-gateway/ai-gateway',
        'Ingress search-indexer/search-indexer',
        'Ingress search-indexer/search-indexer-canary',
        'VirtualService checkout-api/checkout-api',
      ]);
      const http = routes.find(r => r.kind === 'HTTPRoute')!;
      expect(http.rules[0].backends.map(b => [b.name, b.weight])).toEqual([
        ['ai-gateway-stable', 95],
        ['ai-gateway-canary', 5],
      ]);
      expect(
        routes.find(r => r.name === 'search-indexer-canary')!.annotations,
      ).toMatchObject({ 'nginx.ingress.kubernetes.io/canary': 'true' });

      const kc = new KubeConfig();
      kc.loadFromOptions(kubeConfigOptions(sandbox, CLUSTER));
      await KubernetesObjectApi.makeApiClient(kc).patch(
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: {
            name: 'search-indexer-canary',
            namespace: 'search-indexer',
            annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '30' },
          },
        },
        undefined,
        undefined,
        'kubectl',
        true,
        PatchStrategy.ServerSideApply,
      );
      await eventually(
        () =>
          cache.routes(CLUSTER).find(r => r.name === 'search-indexer-canary')
            ?.annotations['nginx.ingress.kubernetes.io/canary-weight'] === '30',
      );
    } finally {
      await stop();
    }
  }, 40_000);

  it('lists custom resources past their first page (the client drops their continue token unless told the kind)', async () => {
    const control = sandbox.control[CLUSTER];
    const many = (kind: string, apiVersion: string, spec: object) =>
      Array.from({ length: 12 }, (_, n) => ({
        apiVersion,
        kind,
        metadata: { name: `paged-${n}`, namespace: 'paged-routes' },
        spec,
      }));
    await control.loadFixture([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'paged-routes' },
      },
      ...many('HTTPRoute', 'gateway.networking.k8s.io/v1', {
        hostnames: ['paged.example.com'],
        rules: [{ backendRefs: [{ name: 'paged', port: 80 }] }],
      }),
      ...many('VirtualService', 'networking.istio.io/v1', {
        hosts: ['paged'],
        http: [{ route: [{ destination: { host: 'paged' } }] }],
      }),
    ]);
    const { services, stop } = await startProbeBackend({
      sandbox,
      clusters: [CLUSTER],
      refs: { cache: kubernetesCacheServiceRef },
      // Pages of 10: 13 HTTPRoutes and 13 VirtualServices take two pages each.
      kubernetes: { cache: { listPageSize: 10 } },
    });
    try {
      expect(await services.cache.waitForSync(20_000)).toBe(true);
      const paged = services.cache
        .routes(CLUSTER)
        .filter(r => r.namespace === 'paged-routes');
      expect(paged.filter(r => r.kind === 'HTTPRoute')).toHaveLength(12);
      expect(paged.filter(r => r.kind === 'VirtualService')).toHaveLength(12);
      // and the demo's, on the same cluster
      expect(services.cache.routes(CLUSTER)).toHaveLength(4 + 24);
    } finally {
      await stop();
    }
  }, 40_000);
});
