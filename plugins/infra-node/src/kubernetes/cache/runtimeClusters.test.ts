import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import {
  kubernetesCacheServiceRef,
  kubernetesFleetServiceRef,
} from '../../services';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';

describe('the cache follows the fleet', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.stop());

  it('watches a cluster registered at run time and forgets one removed', async () => {
    const [first, second] = sandbox.kubernetes.clusters;
    const { services, stop } = await startProbeBackend({
      sandbox,
      clusters: [first.name],
      kubernetes: { credentials: { second: { token: second.token } } },
      refs: {
        fleet: kubernetesFleetServiceRef,
        cache: kubernetesCacheServiceRef,
      },
    });
    const { fleet, cache } = services;
    try {
      expect(await cache.waitForSync(20_000)).toBe(true);
      expect(cache.clusters().map(c => c.name)).toEqual([first.name]);

      await fleet.registerCluster({
        name: second.name,
        url: second.url,
        caData: sandbox.kubernetes.caPem,
        auth: { type: 'credential', name: 'second' },
        labels: second.labels,
      });
      await eventually(
        () =>
          cache.clusters().find(c => c.name === second.name)?.state === 'ok' &&
          [...cache.deployments(second.name)].length > 0,
      );

      await fleet.unregisterCluster(second.name);
      await eventually(
        () => !cache.clusters().some(c => c.name === second.name),
      );
      expect([...cache.deployments(second.name)]).toEqual([]);
    } finally {
      await stop();
    }
  }, 40_000);
});
