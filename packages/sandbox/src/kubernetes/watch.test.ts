import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  V1ConfigMap,
  Watch,
  makeInformer,
} from '@kubernetes/client-node';
import { startSandbox, Sandbox } from '../sandbox';
import { eventually, FAST, kubeConfigFor } from '../__testUtils__/kube';

type Event = { type: string; name?: string; rv?: string; object: unknown };

function collect(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
) {
  const events: Event[] = [];
  let doneErr: unknown = 'not done';
  const controller = new Watch(kc).watch(
    path,
    query,
    // A watch hands over the JSON: an object, a BOOKMARK or an ERROR's Status.
    (type, object: KubernetesObject | undefined) =>
      events.push({
        type,
        name: object?.metadata?.name,
        rv: object?.metadata?.resourceVersion,
        object,
      }),
    err => {
      doneErr = err;
    },
  );
  return {
    events,
    done: () => doneErr,
    stop: async () => (await controller).abort(),
  };
}

describe('kubernetes imitation: watch', () => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let core: CoreV1Api;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'watch-test' }],
      demo: false,
      watchHistorySize: 20,
      timings: { ...FAST, watchTimeoutSeconds: 1 },
    });
    kc = kubeConfigFor(sandbox);
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.control['watch-test'].reset());

  const cm = (
    name: string,
    labels: Record<string, string> = {},
  ): V1ConfigMap => ({ metadata: { name, labels }, data: { v: '1' } });

  it('replays events after a resourceVersion, then streams, with bookmarks', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('before-watch'),
    });

    const w = collect(kc, '/api/v1/namespaces/default/configmaps', {
      resourceVersion: rv,
      allowWatchBookmarks: true,
    });
    await eventually(() =>
      expect(w.events.map(e => e.type)).toContain('ADDED'),
    );
    const current = await core.readNamespacedConfigMap({
      namespace: 'default',
      name: 'before-watch',
    });
    await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'before-watch',
      body: { ...current, data: { v: '2' } },
    });
    await core.deleteNamespacedConfigMap({
      namespace: 'default',
      name: 'before-watch',
    });
    await eventually(
      () => expect(w.events.some(e => e.type === 'BOOKMARK')).toBe(true),
      { timeoutMs: 2000 },
    );
    await eventually(() =>
      expect(
        w.events
          .filter(e => e.type !== 'BOOKMARK')
          .map(e => e.type)
          .at(-1),
      ).toBe('DELETED'),
    );
    const real = w.events.filter(e => e.type !== 'BOOKMARK');
    expect(real[0]).toMatchObject({ type: 'ADDED', name: 'before-watch' });
    const rvs = real.map(e => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    const bookmark = w.events.find(e => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
    });
    expect(Number(bookmark.rv)).toBeGreaterThan(0);
    await w.stop();
  });

  it('applies label selectors to events (leaving the selector is DELETED)', async () => {
    const w = collect(kc, '/api/v1/namespaces/default/configmaps', {
      labelSelector: 'team=a',
      resourceVersion: (
        await core.listNamespacedConfigMap({ namespace: 'default' })
      ).metadata!.resourceVersion,
    });
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('x', { team: 'b' }),
    });
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('y', { team: 'a' }),
    });
    await sandbox.control['watch-test'].applyObjects([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'y', namespace: 'default', labels: { team: 'b' } },
      },
    ]);
    await sandbox.control['watch-test'].applyObjects([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'default', labels: { team: 'a' } },
      },
    ]);
    await eventually(() =>
      expect(w.events.map(e => `${e.type} ${e.name}`)).toEqual([
        'ADDED y',
        'DELETED y',
        'ADDED x',
      ]),
    );
    await w.stop();
  });

  it('answers a watch from an evicted resourceVersion with an ERROR 410 event, and a LIST with Exact with 410', async () => {
    const old = (await core.listNamespacedConfigMap({ namespace: 'default' }))
      .metadata!.resourceVersion!;
    for (let i = 0; i < 25; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: cm(`flood-${i}`),
      });
    }
    const w = collect(kc, '/api/v1/namespaces/default/configmaps', {
      resourceVersion: old,
    });
    await eventually(() => expect(w.done()).toBeNull());
    expect(w.events).toHaveLength(1);
    expect(w.events[0].type).toBe('ERROR');
    expect(w.events[0].object).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
    });

    const err = await core
      .listNamespacedConfigMap({
        namespace: 'default',
        resourceVersion: old,
        resourceVersionMatch: 'Exact',
      })
      .catch(e => e);
    expect(err.code).toBe(410);
  });

  it('ends the stream at timeoutSeconds', async () => {
    const w = collect(kc, '/api/v1/namespaces/default/configmaps', {
      timeoutSeconds: 1,
    });
    await eventually(() => expect(w.done()).toBeNull(), { timeoutMs: 3000 });
  });

  it('keeps a silentWatch open and sends nothing: no event, no bookmark, no end at the timeout', async () => {
    const control = sandbox.control['watch-test'];
    await control.injectFault({
      path: '/configmaps\\?.*watch=true',
      silentWatch: true,
    });
    await control.resetCounters();
    const silent = collect(kc, '/api/v1/namespaces/default/configmaps', {
      allowWatchBookmarks: true,
      timeoutSeconds: 1,
    });
    await eventually(async () =>
      expect(Object.values((await control.counters()).routes)).toEqual([1]),
    );
    // The next watch is a healthy one: it gets the change and bookmarks, the silent one nothing.
    const healthy = collect(kc, '/api/v1/namespaces/default/configmaps', {
      allowWatchBookmarks: true,
    });
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('while-silent'),
    });
    await eventually(() =>
      expect(healthy.events.map(e => e.type)).toEqual(
        expect.arrayContaining(['ADDED', 'BOOKMARK']),
      ),
    );
    // Past the watch timeout (1 s) and many bookmark intervals.
    await new Promise(r => setTimeout(r, 1500));
    expect(silent.events).toEqual([]);
    expect(silent.done()).toBe('not done');
    await silent.stop();
    await healthy.stop();
  });

  it('keeps an informer in sync; after history eviction it relists on 410', async () => {
    const informer = makeInformer(
      kc,
      '/api/v1/namespaces/default/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const errors: unknown[] = [];
    informer.on('error', e => errors.push(e));
    const before = await sandbox.control['watch-test'].counters();
    await informer.start();
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('seen'),
    });
    await eventually(() =>
      expect(informer.list().map(o => o.metadata?.name)).toContain('seen'),
    );

    // Evict the informer's resourceVersion from the history (other namespaces' writes),
    // then the server ends the watch (timeoutSeconds 1): the reconnect gets 410 → relist.
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    for (let i = 0; i < 25; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'other',
        body: cm(`noise-${i}`),
      });
    }
    const listKey = 'GET /api/v1/namespaces/{namespace}/configmaps';
    await eventually(
      async () => {
        const after = await sandbox.control['watch-test'].counters();
        expect(
          (after.routes[listKey] ?? 0) - (before.routes[listKey] ?? 0),
        ).toBeGreaterThanOrEqual(2);
      },
      { timeoutMs: 4000, intervalMs: 100 },
    );
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('late'),
    });
    await eventually(() =>
      expect(informer.list().map(o => o.metadata?.name)).toContain('late'),
    );
    expect(errors).toEqual([]);
    await informer.stop();
  });
});
