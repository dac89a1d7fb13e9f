import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';

let sandbox: Sandbox | undefined;
let stopBackend: (() => Promise<void>) | undefined;

afterEach(async () => {
  await stopBackend?.();
  await sandbox?.stop();
  sandbox = undefined;
  stopBackend = undefined;
});

/**
 * Sandbox clusters (only the Kubernetes imitation, bookmarks every 200 ms), a fault made before
 * the cache starts, and the cache with `groundcrew.kubernetes.cache` set to `cacheConfig`.
 */
async function startCache(
  names: string[],
  cacheConfig: object,
  before: (sandbox: Sandbox) => Promise<void>,
) {
  sandbox = await startSandbox({
    clusters: names.map(name => ({ name })),
    demo: true,
    timings: {
      podStartDelayMs: 20,
      podReadyDelayMs: 40,
      bookmarkIntervalMs: 200,
    },
    gcp: { enabled: false },
    gitlab: { enabled: false },
    oidc: { enabled: false },
    vault: { enabled: false },
    teleport: { enabled: false },
  });
  await before(sandbox);
  const backend = await startProbeBackend({
    sandbox,
    kubernetes: { cache: cacheConfig },
    refs: { cache: kubernetesCacheServiceRef },
  });
  stopBackend = backend.stop;
  return backend.services.cache;
}

function deployment(name: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: `${name}:1` }] },
      },
    },
  };
}

describe('the cache when a cluster hangs', () => {
  it('syncs the other clusters within seconds, shows the hung one unreachable, and recovers it', async () => {
    // The first cluster of the fleet accepts connections and never answers: its lists are the
    // first to ask for the fleet's list slots.
    const cache = await startCache(
      ['gke-hung', 'gke-b', 'gke-c'],
      { requestTimeoutSeconds: 1 },
      s => s.control['gke-hung'].down({ mode: 'hang' }),
    );
    const hung = sandbox!.control['gke-hung'];
    const started = Date.now();
    expect(await cache.waitForSync(10_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    const states = Object.fromEntries(cache.clusters().map(c => [c.name, c]));
    // The first list's deadline is 1 s; each one after a timeout has twice the time.
    expect(states['gke-hung']).toMatchObject({
      state: 'unreachable',
      message: expect.stringMatching(/^no answer within (1|2|4) s$/),
    });
    for (const name of ['gke-b', 'gke-c']) {
      await eventually(
        () => cache.clusters().find(c => c.name === name)!.state === 'ok',
      );
      expect([...cache.deployments(name)].length).toBeGreaterThan(0);
    }
    expect([...cache.deployments('gke-hung')]).toEqual([]);

    await hung.up();
    await eventually(
      () =>
        cache.clusters().find(c => c.name === 'gke-hung')!.state === 'ok' &&
        [...cache.deployments('gke-hung')].length > 0,
      20_000,
    );

    // Once synced, it hangs again: its watches are cut, and opened again into the hang. The
    // watches' own deadline (until the response starts) says so.
    await hung.down({ mode: 'hang' });
    const again = await eventually(() => {
      const state = cache.clusters().find(c => c.name === 'gke-hung')!;
      return state.message === 'no answer within 1 s' ? state : undefined;
    }, 15_000);
    expect(again.state).toBe('unreachable');
    // What it last saw is still served.
    expect([...cache.deployments('gke-hung')].length).toBeGreaterThan(0);
  }, 60_000);
});

describe('the cache when a cluster is slow', () => {
  it('lists it in the end: a list past its deadline is tried again with twice the time', async () => {
    // Every pods list takes 1.5 s, longer than the 1 s deadline.
    const cache = await startCache(
      ['gke-slow'],
      { requestTimeoutSeconds: 1 },
      s =>
        s.control['gke-slow'].injectFault({
          path: '^/api/v1/pods\\?(?!.*watch=true)',
          delayMs: 1_500,
          count: 0,
        }),
    );
    await eventually(
      () => cache.clusters()[0].message === 'no answer within 1 s',
    );
    await eventually(
      () =>
        cache.clusters()[0].state === 'ok' &&
        [...cache.deployments('gke-slow')].some(d =>
          cache
            .replicaSetsOf('gke-slow', d.namespace, d.name)
            .some(rs => cache.podsOf('gke-slow', d.namespace, rs.name).length),
        ),
      15_000,
    );
    const { routes } = await sandbox!.control['gke-slow'].counters();
    expect(routes['GET /api/v1/pods']).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('the cache when a watch falls silent', () => {
  it('opens a watch again after ten bookmark intervals of silence, and catches up', async () => {
    // The deployments watch is accepted and then sends nothing, not even a bookmark: a
    // half-open connection. The other kinds' watches stay healthy (a bookmark every 200 ms).
    const cache = await startCache(['gke-a'], { watchSilenceSeconds: 2 }, s =>
      s.control['gke-a'].injectFault({
        path: '^/apis/apps/v1/deployments\\?.*watch=true',
        silentWatch: true,
      }),
    );
    const control = sandbox!.control['gke-a'];
    expect(await cache.waitForSync(10_000)).toBe(true);
    await eventually(
      async () =>
        (await control.count('GET /apis/apps/v1/deployments?watch')) >= 1,
    );
    // A change made after the silent watch was opened: only a new watch can bring it.
    await control.applyObjects([deployment('after-silence')]);
    await eventually(
      () =>
        [...cache.deployments('gke-a')].some(d => d.name === 'after-silence'),
      10_000,
    );
    const { routes } = await control.counters();
    // A new deployments watch, from where the silent one was: no relist.
    expect(
      routes['GET /apis/apps/v1/deployments?watch'],
    ).toBeGreaterThanOrEqual(2);
    expect(routes['GET /apis/apps/v1/deployments']).toBe(1);
    // The healthy watches, kept alive by bookmarks, were not opened again.
    expect(routes['GET /api/v1/pods?watch']).toBe(1);
    expect(cache.clusters()[0].state).toBe('ok');
  }, 60_000);
});
