import {
  CoreV1Api,
  KubeConfig,
  makeInformer,
  Watch,
} from '@kubernetes/client-node';
import https from 'node:https';
import { startSandbox, Sandbox } from '../sandbox';
import type { SandboxControl } from '../control';
import { demoFixture } from '../demo/demoFixture';
import {
  eventually,
  FAST,
  kubeConfigFor,
  statusOf,
} from '../__testUtils__/kube';

// The fixture startSandbox loads for a cluster the demo does not know.
const sandboxFixture: unknown[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
  ...demoFixture('ctl'),
];

describe('sandbox control API: faults, counters, reset, fixtures, down/up', () => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let control: SandboxControl;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'ctl', labels: { environment: 'test' } }],
      demo: true,
      timings: FAST,
    });
    kc = kubeConfigFor(sandbox);
    core = kc.makeApiClient(CoreV1Api);
    control = sandbox.control.ctl;
  });
  afterAll(() => sandbox.stop());
  beforeEach(async () => {
    await control.reset();
    await control.resetCounters();
  });

  it('injects a 500 with a Status body for the next N matching calls only', async () => {
    await control.injectFault({
      method: 'GET',
      path: '^/api/v1/pods',
      status: 500,
      count: 2,
      message: 'etcd is on fire',
    });
    const ns = await core.listNamespace();
    expect(ns.items.length).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) {
      const err = await core.listPodForAllNamespaces().catch(e => e);
      expect(err.code).toBe(500);
      expect(statusOf(err)).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        code: 500,
        message: 'etcd is on fire',
        reason: 'InternalError',
      });
    }
    await expect(core.listPodForAllNamespaces()).resolves.toBeTruthy();
  });

  it('injects a 429 with Retry-After', async () => {
    await control.injectFault({
      path: '/namespaces/ai-gateway/pods',
      status: 429,
      retryAfterSeconds: 7,
    });
    const err = await core
      .listNamespacedPod({ namespace: 'ai-gateway' })
      .catch(e => e);
    expect(err.code).toBe(429);
    expect(err.headers['retry-after']).toBe('7');
    expect(statusOf(err).reason).toBe('TooManyRequests');
  });

  it('injects a delay', async () => {
    await control.injectFault({ path: '/api/v1/namespaces$', delayMs: 300 });
    const t0 = Date.now();
    await core.listNamespace();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('drops a watch after accepting it: the client sees an error, an informer reports it', async () => {
    await control.injectFault({ path: 'watch=true', dropWatch: true });
    const done = await new Promise<unknown>(resolve => {
      new Watch(kc).watch(
        '/api/v1/namespaces/default/configmaps',
        {},
        () => undefined,
        err => resolve(err),
      );
    });
    expect(done).toBeTruthy();

    await control.injectFault({ path: 'watch=true', dropWatch: true });
    const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
      core.listNamespacedPod({ namespace: 'default' }),
    );
    const errors: unknown[] = [];
    informer.on('error', e => errors.push(e));
    await informer.start();
    await eventually(() => expect(errors.length).toBe(1));
    await informer.stop();
  });

  it('counts requests per normalised route, watches marked, control calls not counted', async () => {
    await core.listPodForAllNamespaces();
    await core.listPodForAllNamespaces({ labelSelector: 'a=b' });
    await core.listNamespacedPod({ namespace: 'ai-gateway' });
    await core
      .readNamespacedPod({ namespace: 'ai-gateway', name: 'nope' })
      .catch(() => undefined);
    const w = await new Watch(kc).watch(
      '/api/v1/pods',
      {},
      () => undefined,
      () => undefined,
    );
    await eventually(async () =>
      expect(await control.count('GET /api/v1/pods?watch')).toBe(1),
    );
    w.abort();
    const c = await control.counters();
    expect(c.routes['GET /api/v1/pods']).toBe(2);
    expect(c.routes['GET /api/v1/namespaces/{namespace}/pods']).toBe(1);
    expect(c.routes['GET /api/v1/namespaces/{namespace}/pods/{name}']).toBe(1);
    expect(c.total).toBe(5);
    // Watches are reads too.
    expect(c.reads).toBe(5);
    expect(c.mutations).toBe(0);
    await core.createNamespace({ body: { metadata: { name: 'counted' } } });
    await core.deleteNamespace({ name: 'counted' });
    expect(await control.counters()).toMatchObject({
      total: 7,
      reads: 5,
      mutations: 2,
    });
    await control.resetCounters();
    expect(await control.counters()).toMatchObject({
      total: 0,
      reads: 0,
      mutations: 0,
    });
  });

  it('resets to the fixture, and loads fixtures', async () => {
    await core.deleteNamespacedService({
      namespace: 'ai-gateway',
      name: 'ai-gateway',
    });
    await control.reset();
    await expect(
      core.readNamespacedService({
        namespace: 'ai-gateway',
        name: 'ai-gateway',
      }),
    ).resolves.toBeTruthy();

    await control.loadFixture([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'added', namespace: 'default' },
        data: { a: '1' },
      },
    ]);
    await expect(
      core.readNamespacedConfigMap({ namespace: 'default', name: 'added' }),
    ).resolves.toBeTruthy();
    await control.reset();
    await expect(
      core.readNamespacedConfigMap({ namespace: 'default', name: 'added' }),
    ).rejects.toMatchObject({ code: 404 });

    await control.loadFixture(
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'only', namespace: 'default' },
        },
      ],
      { replace: true },
    );
    expect(
      (await core.listConfigMapForAllNamespaces()).items.map(
        c => c.metadata?.name,
      ),
    ).toEqual(['only']);
    // Put the demo fixture back for the other tests.
    await control.loadFixture(sandboxFixture, { replace: true });
  });

  it('writes objects as a controller (status included)', async () => {
    const pod = (await core.listNamespacedPod({ namespace: 'checkout-api' }))
      .items[0];
    await control.applyObjects([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod.metadata!.name, namespace: 'checkout-api' },
        status: { phase: 'Failed' },
      },
    ]);
    const after = await core.readNamespacedPod({
      namespace: 'checkout-api',
      name: pod.metadata!.name!,
    });
    expect(after.status?.phase).toBe('Failed');
  });

  it('goes down (connections refused) and comes back on the same port', async () => {
    const url = sandbox.kubernetes.clusters[0].url;
    await control.down();
    const err = await core.listNamespace().catch(e => e);
    expect(String(err.code ?? err.message)).toMatch(/ECONNREFUSED/);
    await control.up();
    expect(sandbox.kubernetes.clusters[0].url).toBe(url);
    await expect(core.listNamespace()).resolves.toBeTruthy();
  });

  it('goes down by hanging (no answer) until up', async () => {
    await control.down({ mode: 'hang' });
    const cluster = sandbox.kubernetes.clusters[0];
    const outcome = await new Promise<string>(resolve => {
      const req = https.request(
        `${cluster.url}/api/v1/namespaces`,
        {
          ca: sandbox.kubernetes.caPem,
          headers: { Authorization: `Bearer ${cluster.token}` },
          timeout: 200,
        },
        () => resolve('answered'),
      );
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
      req.on('error', () => resolve('error'));
      req.end();
    });
    expect(outcome).toBe('timeout');
    await control.up();
    await expect(core.listNamespace()).resolves.toBeTruthy();
  });
});
