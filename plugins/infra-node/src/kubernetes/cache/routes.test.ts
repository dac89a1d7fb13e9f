import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { kubeConfigOptions, Sandbox, startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';

const CLUSTER = 'gke-prod-us-east1';

describe('the cache holds routes: HTTPRoute, VirtualService, Ingress', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox();
  }, 30_000);
  afterAll(() => sandbox.stop());

  it('watches routes once a plugin asks, lists the demo routes, and follows a weight changed by server-side apply', async () => {
    const control = sandbox.control[CLUSTER];
    await control.resetCounters();
    const { services, stop } = await startProbeBackend({
      sandbox,
      clusters: [CLUSTER],
      refs: { cache: kubernetesCacheServiceRef },
    });
    const { cache } = services;
    const routeRequests = async () =>
      Object.keys((await control.counters()).routes).filter(r =>
        /httproutes|virtualservices|ingresses/.test(r),
      );
    try {
      // The deploy board alone does not need routes: none is listed or watched.
      expect(await cache.waitForSync(20_000)).toBe(true);
      expect(cache.routes(CLUSTER)).toEqual([]);
      expect(await routeRequests()).toEqual([]);

      cache.watchRoutes();
      cache.watchRoutes();
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
});
