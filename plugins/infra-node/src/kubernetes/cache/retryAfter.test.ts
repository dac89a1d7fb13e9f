import { startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import { startProbeBackend } from '../../__testUtils__/probeBackend';

describe('the cache under 429 Too Many Requests', () => {
  it('waits as long as Retry-After says before listing again', async () => {
    const sandbox = await startSandbox({
      clusters: [{ name: 'gke-a' }],
      demo: true,
    });
    try {
      await sandbox.control['gke-a'].injectFault({
        method: 'GET',
        path: '^/apis/apps/v1/deployments(\\?(?!.*watch).*)?$',
        status: 429,
        retryAfterSeconds: 2,
        count: 1,
      });
      const started = Date.now();
      const { services, stop } = await startProbeBackend({
        sandbox,
        refs: { cache: kubernetesCacheServiceRef },
      });
      try {
        expect(await services.cache.waitForSync(15_000)).toBe(true);
        await new Promise<void>((resolve, reject) => {
          const deadline = Date.now() + 15_000;
          const poll = () => {
            const [state] = services.cache.clusters();
            if (
              state.state === 'ok' &&
              [...services.cache.deployments('gke-a')].length > 0
            ) {
              resolve();
            } else if (Date.now() > deadline) {
              reject(new Error(`still ${state.state}: ${state.message}`));
            } else {
              setTimeout(poll, 50);
            }
          };
          poll();
        });
        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(2000);
        const { routes } = await sandbox.control['gke-a'].counters();
        expect(routes['GET /apis/apps/v1/deployments']).toBe(2);
      } finally {
        await stop();
      }
    } finally {
      await sandbox.stop();
    }
  }, 30_000);
});
