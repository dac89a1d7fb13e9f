import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { kubeConfigOptions, Sandbox, startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';
import { KubernetesCacheService } from './KubernetesWatchCache';
import { CacheChange } from './ClusterWatcher';

const CLUSTER = 'gke-prod-us-east1';

function kubeConfigFor(sandbox: Sandbox, name: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions(kubeConfigOptions(sandbox, name));
  return kc;
}

function podCount(
  cache: KubernetesCacheService,
  namespace: string,
  deployment: string,
) {
  return cache
    .replicaSetsOf(CLUSTER, namespace, deployment)
    .flatMap(rs => cache.podsOf(CLUSTER, namespace, rs.name))
    .filter(p => !p.deleting).length;
}

describe('KubernetesWatchCache against the sandbox', () => {
  let sandbox: Sandbox;
  let cache: KubernetesCacheService;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      watchHistorySize: 50,
      timings: {
        podStartDelayMs: 20,
        podReadyDelayMs: 40,
        bookmarkIntervalMs: 200,
      },
    });
    const backend = await startProbeBackend({
      sandbox,
      refs: { cache: kubernetesCacheServiceRef },
    });
    cache = backend.services.cache;
    stop = backend.stop;
    if (!(await cache.waitForSync(20_000))) {
      throw new Error('the cache did not sync with the sandbox');
    }
  }, 30_000);

  afterAll(async () => {
    await stop?.();
    await sandbox?.stop();
  });

  it('holds the demo workloads of every cluster, trimmed', async () => {
    expect(cache.clusters().map(c => [c.name, c.state])).toEqual([
      ['gke-prod-us-east1', 'ok'],
      ['gke-prod-europe-west1', 'ok'],
      ['gke-ops', 'ok'],
    ]);
    const deployments = [...cache.deployments(CLUSTER)];
    const stable = deployments.find(
      d => d.namespace === 'ai-gateway' && d.labels.track === 'stable',
    );
    expect(stable).toBeDefined();
    expect(stable!.labels['runway.gitlab.com/service']).toBe('ai-gateway');
    expect(stable!.images[0]).toMatch(/ai-gateway/);
    await eventually(
      () => podCount(cache, 'ai-gateway', stable!.name) === stable!.desired,
    );
    const pod = cache
      .replicaSetsOf(CLUSTER, 'ai-gateway', stable!.name)
      .flatMap(rs => cache.podsOf(CLUSTER, 'ai-gateway', rs.name))[0];
    // The same keys on every pod (one hidden class for all of them), `reason` undefined while it runs.
    expect(pod.reason).toBeUndefined();
    expect(Object.keys(pod).sort()).toEqual(
      [
        'reason',
        'createdAt',
        'deleting',
        'images',
        'labels',
        'name',
        'namespace',
        'node',
        'owner',
        'phase',
        'ready',
        'restarts',
        'startedAt',
        'uid',
        'vaultAnnotations',
      ].sort(),
    );
    expect(
      cache
        .flux(CLUSTER)
        .map(f => f.kind)
        .sort(),
    ).toContain('HelmRelease');
  });

  it('answers reads without a single request to the API servers', async () => {
    const controls = Object.values(sandbox.control);
    await Promise.all(controls.map(c => c.resetCounters()));
    for (let i = 0; i < 100; i++) {
      for (const c of cache.clusters()) {
        for (const d of cache.deployments(c.name)) {
          cache.replicaSetsOf(c.name, d.namespace, d.name);
        }
        cache.flux(c.name);
      }
    }
    // Only long-running watch reconnections may have happened meanwhile, never a list or a get.
    for (const control of controls) {
      const { routes } = await control.counters();
      expect(Object.keys(routes).filter(r => !r.endsWith('?watch'))).toEqual(
        [],
      );
    }
  });

  it('keeps listed timestamps as the server sent them, and leaves the client’s models to other callers', async () => {
    const apps = kubeConfigFor(sandbox, CLUSTER).makeApiClient(AppsV1Api);
    const listed = await apps.listNamespacedDeployment({
      namespace: 'ai-gateway',
    });
    const model = listed.items[0];
    // Another caller of the client in this process: its models, timestamps as Dates.
    expect(model.metadata!.creationTimestamp).toBeInstanceOf(Date);
    const cached = [...cache.deployments(CLUSTER)].find(
      d => d.namespace === 'ai-gateway' && d.name === model.metadata!.name,
    );
    // The cache read the same list as JSON: the server's string (whole seconds, as Kubernetes
    // writes it), as a watch event has it — not a Date's ISO form with milliseconds.
    expect(cached?.createdAt).toBe(
      model.metadata!.creationTimestamp!.toISOString().replace('.000Z', 'Z'),
    );
  });

  it('follows a scale-up through the watch', async () => {
    const apps = kubeConfigFor(sandbox, CLUSTER).makeApiClient(AppsV1Api);
    const stable = [...cache.deployments(CLUSTER)].find(
      d => d.namespace === 'checkout-api',
    )!;
    const changes: CacheChange[] = [];
    const unsubscribe = cache.subscribe(c => {
      if (c.cluster === CLUSTER && c.object?.namespace === 'checkout-api')
        changes.push(c);
    });
    try {
      await apps.patchNamespacedDeployment(
        {
          name: stable.name,
          namespace: 'checkout-api',
          body: { spec: { replicas: stable.desired + 2 } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await eventually(
        () =>
          podCount(cache, 'checkout-api', stable.name) === stable.desired + 2,
      );
      const deployments = changes.filter(c => c.kind === 'deployments');
      expect(deployments.length).toBeGreaterThan(0);
      expect(changes.some(c => c.kind === 'pods' && c.type === 'upsert')).toBe(
        true,
      );
    } finally {
      unsubscribe();
    }
  });

  it('finds a namespace by name through a label change, its deletion, and a namespace made again under its name', async () => {
    const core = kubeConfigFor(sandbox, CLUSTER).makeApiClient(CoreV1Api);
    const owner = () => cache.namespace(CLUSTER, 'made-again')?.labels.owner;
    await core.createNamespace({
      body: { metadata: { name: 'made-again', labels: { owner: 'team-a' } } },
    });
    await eventually(() => owner() === 'team-a');
    await core.patchNamespace(
      {
        name: 'made-again',
        body: { metadata: { labels: { owner: 'team-b' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(() => owner() === 'team-b');
    await core.deleteNamespace({ name: 'made-again' });
    await eventually(
      () => cache.namespace(CLUSTER, 'made-again') === undefined,
    );
    await core.createNamespace({
      body: { metadata: { name: 'made-again', labels: { owner: 'team-c' } } },
    });
    await eventually(() => owner() === 'team-c');
    // Another cluster's namespace of the same name is its own.
    expect(cache.namespace('gke-ops', 'made-again')).toBeUndefined();
    expect(cache.namespace(CLUSTER, 'ai-gateway')?.name).toBe('ai-gateway');
  });

  it('shows a cluster that went down as unreachable, keeps the others, and relists after 410', async () => {
    const control = sandbox.control[CLUSTER];
    await control.resetCounters();
    const before = cache.clusters().find(c => c.name === CLUSTER)!;
    await control.down();
    const down = await eventually(() => {
      const s = cache.clusters().find(c => c.name === CLUSTER)!;
      return s.state === 'unreachable' ? s : undefined;
    });
    expect(down.lastSeen).toBeDefined();
    expect(Date.parse(down.lastSeen!)).toBeGreaterThanOrEqual(
      Date.parse(before.lastSeen!),
    );
    expect(
      cache
        .clusters()
        .filter(c => c.name !== CLUSTER)
        .map(c => c.state),
    ).toEqual(['ok', 'ok']);
    // What was last seen is still served.
    expect([...cache.deployments(CLUSTER)].length).toBeGreaterThan(0);

    // Meanwhile more changes happen than the server's watch history keeps.
    await control.applyObjects(
      Array.from({ length: 60 }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `filler-${i}`, namespace: 'default' },
        data: { i: String(i) },
      })),
    );
    await control.applyObjects([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'late-arrival',
          namespace: 'default',
          labels: { app: 'late' },
        },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'late' } },
          template: {
            metadata: { labels: { app: 'late' } },
            spec: { containers: [{ name: 'c', image: 'late:1' }] },
          },
        },
      },
    ]);
    await control.up();

    await eventually(
      () => cache.clusters().find(c => c.name === CLUSTER)!.state === 'ok',
      20_000,
    );
    await eventually(
      () =>
        [...cache.deployments(CLUSTER)].some(d => d.name === 'late-arrival'),
      20_000,
    );
    const { routes } = await control.counters();
    // The watches resumed from a resourceVersion the server no longer had: 410, then a relist.
    expect(routes['GET /apis/apps/v1/deployments']).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('backs off on 429 and 500 and recovers', async () => {
    const control = sandbox.control['gke-ops'];
    await control.injectFault([
      { path: '/api/v1/pods', status: 429, retryAfterSeconds: 1, count: 2 },
      { path: '/api/v1/pods', status: 500, count: 2 },
    ]);
    await control.resetCounters();
    // Cut the pods watch so that the watcher has to come back through the faults.
    await control.down();
    await eventually(
      () => cache.clusters().find(c => c.name === 'gke-ops')!.state !== 'ok',
    );
    await control.up();
    await eventually(
      () => cache.clusters().find(c => c.name === 'gke-ops')!.state === 'ok',
      30_000,
    );
    const { routes } = await control.counters();
    const podRequests = Object.entries(routes)
      .filter(([k]) => k.includes('/api/v1/pods'))
      .reduce((n, [, v]) => n + v, 0);
    expect(podRequests).toBeGreaterThanOrEqual(5);
  }, 40_000);
});
