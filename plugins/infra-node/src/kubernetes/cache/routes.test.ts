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

  it('lists the demo routes once, and follows a weight changed by server-side apply', async () => {
    const { services, stop } = await startProbeBackend({
      sandbox,
      clusters: [CLUSTER],
      refs: { cache: kubernetesCacheServiceRef },
    });
    const { cache } = services;
    try {
      expect(await cache.waitForSync(20_000)).toBe(true);
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
