import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DeployBoard } from '@groundcrew/plugin-infra-common';
import {
  fleetClustersConfig,
  kubeConfigOptions,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import { deployBoardPlugin } from './plugin';

function component(
  name: string,
  annotations: Record<string, string>,
  owner = 'team-ai',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

const entities = [
  component('ai-gateway', { 'groundcrew.io/runway-service': 'ai-gateway' }),
  // Set up for @backstage/plugin-kubernetes only: works unchanged.
  component('checkout-api', { 'backstage.io/kubernetes-id': 'checkout-api' }),
  component('search-indexer', {
    'backstage.io/kubernetes-label-selector':
      'app.kubernetes.io/name=search-indexer',
    'backstage.io/kubernetes-namespace': 'search-indexer',
    'groundcrew.io/clusters': 'gke-prod-us-east1',
  }),
  // The deployment carries the selector's label; its ReplicaSets and pods do not.
  component('ledger', {
    'backstage.io/kubernetes-label-selector': 'team=payments',
    'groundcrew.io/clusters': 'gke-ops',
  }),
  component('nothing-deployed', {
    'groundcrew.io/runway-service': 'nothing-deployed',
  }),
  component('bad-selector', {
    'backstage.io/kubernetes-label-selector': 'a in (b',
  }),
  component(
    'secret-project',
    { 'groundcrew.io/runway-service': 'ai-gateway' },
    'team-secret',
  ),
];

/** The catalog answers only what the caller may read: casey may not see `secret-project`. */
const catalog = catalogServiceMock.mock({
  async getEntityByRef(ref, options) {
    const entity = entities.find(e => stringifyEntityRef(e) === ref);
    const principal = (
      options as { credentials?: { principal: unknown } } | undefined
    )?.credentials?.principal as { userEntityRef?: string } | undefined;
    if (
      entity?.spec?.owner === 'team-secret' &&
      principal?.userEntityRef === 'user:default/casey'
    ) {
      return undefined;
    }
    return entity;
  },
});

function kubeConfigFor(sandbox: Sandbox, name: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions(kubeConfigOptions(sandbox, name));
  return kc;
}

/** Reads a server-sent-events stream with Node's fetch; resolves boards as they arrive. */
function openStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const boards: DeployBoard[] = [];
  const ids: string[] = [];
  const waiters: Array<() => void> = [];
  const done = (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buffer += decoder.decode(value, { stream: true });
      for (
        let cut = buffer.indexOf('\n\n');
        cut >= 0;
        cut = buffer.indexOf('\n\n')
      ) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').find(l => l.startsWith('data: '));
        const id = block.split('\n').find(l => l.startsWith('id: '));
        if (data) {
          boards.push(JSON.parse(data.slice(6)));
          ids.push(id!.slice(4));
          waiters.splice(0).forEach(w => w());
        }
      }
    }
  })().catch(error => {
    if ((error as Error).name !== 'AbortError') throw error;
  });
  return {
    boards,
    ids,
    async until(check: (b: DeployBoard) => boolean, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = boards.find(check);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no matching board among ${boards.length}`);
        await new Promise<void>(resolve => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => controller.abort(),
    done,
  };
}

const pods = (b: DeployBoard) =>
  b.environments.flatMap(e =>
    e.stages.flatMap(s =>
      s.tracks.flatMap(t => t.deployments.flatMap(d => d.pods)),
    ),
  );

describe('deploy-board backend', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let base: string;
  const demo = mockCredentials.user.header('user:default/demo');

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
              kubernetes: {
                clusters: fleetClustersConfig(sandbox),
              },
              deployBoard: { stream: { debounceMs: 20, heartbeatSeconds: 1 } },
            },
          },
        }),
        catalog.factory,
        deployBoardPlugin,
      ],
    });
    base = `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }/api/deploy-board`;
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  async function board(name: string, auth = demo) {
    const res = await request(backend.server)
      .get(`/api/deploy-board/boards/default/component/${name}`)
      .set('Authorization', auth);
    return res;
  }

  it('builds the board of a Runway service: environments, stages, canary track, pods', async () => {
    // Demo pods become ready shortly after the sandbox starts.
    let body: DeployBoard;
    for (let i = 0; ; i++) {
      body = (await board('ai-gateway')).body;
      if (pods(body).length > 0 && pods(body).every(p => p.state === 'ready'))
        break;
      if (i > 100) throw new Error('demo pods never became ready');
      await new Promise(r => setTimeout(r, 100));
    }
    expect(body.selector).toEqual({
      labelSelector: 'runway.gitlab.com/service=ai-gateway',
      source: 'groundcrew.io/runway-service',
    });
    expect(body.environments.map(e => e.name)).toEqual(['production']);
    const stage = body.environments[0].stages[0];
    expect(stage.name).toBe('main');
    expect(stage.tracks.map(t => t.name)).toEqual(['stable', 'canary']);
    const [stable, canary] = stage.tracks;
    expect(stable.podShare + canary.podShare).toBeCloseTo(1);
    expect(canary.podShare).toBeGreaterThan(0);
    expect(canary.podShare).toBeLessThan(stable.podShare);
    expect(new Set(stable.deployments.map(d => d.cluster))).toEqual(
      new Set(['gke-prod-us-east1', 'gke-prod-europe-west1']),
    );
    const d = canary.deployments[0];
    expect(d.rollout).toBe('complete');
    expect(d.ready).toBe(d.desired);
    expect(d.version).not.toEqual(stable.deployments[0].version);
    expect(d.pods.every(p => p.track === 'canary')).toBe(true);
    expect(d.flux?.map(f => f.kind)).toContain('HelmRelease');
    expect(body.clusters.map(c => [c.name, c.environment, c.state])).toEqual(
      expect.arrayContaining([
        ['gke-prod-us-east1', 'production', 'ok'],
        ['gke-ops', 'ops', 'ok'],
      ]),
    );
  });

  it('honours the Kubernetes plugin annotations: id, label selector, namespace, and the cluster list', async () => {
    const checkout = (await board('checkout-api')).body as DeployBoard;
    expect(checkout.selector.labelSelector).toBe(
      'backstage.io/kubernetes-id=checkout-api',
    );
    expect(pods(checkout).length).toBeGreaterThan(0);

    const search = (await board('search-indexer')).body as DeployBoard;
    expect(search.selector).toMatchObject({
      namespace: 'search-indexer',
      clusters: ['gke-prod-us-east1'],
    });
    const deployments = search.environments.flatMap(e =>
      e.stages.flatMap(s => s.tracks.flatMap(t => t.deployments)),
    );
    expect(deployments.length).toBeGreaterThan(0);
    expect(
      new Set(deployments.map(x => `${x.cluster}/${x.namespace}`)),
    ).toEqual(new Set(['gke-prod-us-east1/search-indexer']));
  });

  it('sends the board gzipped once per change, and plain to clients that do not accept gzip', async () => {
    const gz = await request(backend.server)
      .get('/api/deploy-board/boards/default/component/ai-gateway')
      .set('Authorization', demo)
      .set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await request(backend.server)
      .get('/api/deploy-board/boards/default/component/ai-gateway')
      .set('Authorization', demo)
      .set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.body).toEqual(plain.body);
  });

  it('keeps the stream uncompressed so that heartbeats arrive at once', async () => {
    const controller = new AbortController();
    const res = await fetch(
      `${base}/boards/default/component/ai-gateway/stream`,
      {
        headers: { Authorization: demo, 'Accept-Encoding': 'gzip' },
        signal: controller.signal,
      },
    );
    try {
      expect(res.headers.get('content-encoding')).toBeNull();
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 5000;
      while (!text.includes(': heartbeat') && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      expect(text).toContain(': heartbeat');
    } finally {
      controller.abort();
    }
  });

  it('answers a repeated load with 304 Not Modified while the board is unchanged', async () => {
    const first = await board('search-indexer');
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    const again = await request(backend.server)
      .get('/api/deploy-board/boards/default/component/search-indexer')
      .set('Authorization', demo)
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    const stale = await request(backend.server)
      .get('/api/deploy-board/boards/default/component/search-indexer')
      .set('Authorization', demo)
      .set('If-None-Match', '"something-else"');
    expect(stale.status).toBe(200);
    expect(stale.body.revision).toBe(first.body.revision);
  });

  it('says what was looked for when nothing matches', async () => {
    const res = await board('nothing-deployed');
    expect(res.status).toBe(200);
    expect(res.body.environments).toEqual([]);
    expect(res.body.selector.labelSelector).toBe(
      'runway.gitlab.com/service=nothing-deployed',
    );
  });

  it('answers 404 for an unknown entity and for one the caller may not read, 400 for a bad selector', async () => {
    expect((await board('no-such-thing')).status).toBe(404);
    expect((await board('secret-project')).status).toBe(200);
    const denied = await board(
      'secret-project',
      mockCredentials.user.header('user:default/casey'),
    );
    expect(denied.status).toBe(404);
    expect(JSON.stringify(denied.body)).not.toContain('ai-gateway');
    const bad = await board('bad-selector');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'backstage.io/kubernetes-label-selector',
    );
  });

  it('serves page loads from the cache: no request reaches an API server', async () => {
    await board('ai-gateway');
    const controls = Object.values(sandbox.control);
    await Promise.all(controls.map(c => c.resetCounters()));
    for (let i = 0; i < 25; i++) {
      expect((await board('ai-gateway')).status).toBe(200);
    }
    for (const control of controls) {
      const { routes } = await control.counters();
      expect(Object.keys(routes).filter(r => !r.endsWith('?watch'))).toEqual(
        [],
      );
    }
  });

  it('streams a scale-up and then an image change, in order, and resumes with Last-Event-ID', async () => {
    const url = `${base}/boards/default/component/checkout-api/stream`;
    const stream = openStream(url, { Authorization: demo });
    try {
      const first = await stream.until(() => true);
      const deployment =
        first.environments[0].stages[0].tracks[0].deployments.find(
          x => x.cluster === 'gke-prod-us-east1',
        )!;
      const apps = kubeConfigFor(sandbox, 'gke-prod-us-east1').makeApiClient(
        AppsV1Api,
      );
      const target = deployment.desired + 2;
      await apps.patchNamespacedDeployment(
        {
          name: deployment.name,
          namespace: deployment.namespace,
          body: { spec: { replicas: target } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const find = (b: DeployBoard) =>
        b.environments
          .flatMap(e =>
            e.stages.flatMap(s => s.tracks.flatMap(t => t.deployments)),
          )
          .find(
            x =>
              x.cluster === 'gke-prod-us-east1' && x.name === deployment.name,
          )!;
      const scaled = await stream.until(
        b => find(b).pods.filter(p => p.state === 'ready').length === target,
      );
      await apps.patchNamespacedDeployment(
        {
          name: deployment.name,
          namespace: deployment.namespace,
          body: [
            {
              op: 'replace',
              path: '/spec/template/spec/containers/0/image',
              value: 'registry.example/checkout-api:9.9.9',
            },
          ],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
      const rolled = await stream.until(
        b =>
          find(b).pods.length === target &&
          find(b).pods.every(
            p => p.version === '9.9.9' && p.state === 'ready',
          ) &&
          find(b).rollout === 'complete',
        30_000,
      );
      // Order: the scale-up was seen before any pod of the new version.
      const scaledIndex = stream.boards.indexOf(scaled);
      const firstNew = stream.boards.findIndex(b =>
        find(b).pods.some(p => p.version === '9.9.9'),
      );
      expect(scaledIndex).toBeLessThan(firstNew);
      expect(stream.boards.indexOf(rolled)).toBeGreaterThanOrEqual(firstNew);
      // Revisions only grow.
      const revisions = stream.boards.map(b => b.revision);
      expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);

      // Resume: with the latest id nothing is re-sent; with an older one the current board is.
      const lastId = stream.ids[stream.ids.length - 1];
      stream.close();
      const resumed = openStream(url, {
        Authorization: demo,
        'Last-Event-ID': lastId,
      });
      const stale = openStream(url, {
        Authorization: demo,
        'Last-Event-ID': stream.ids[0],
      });
      try {
        await stale.until(() => true);
        await new Promise(r => setTimeout(r, 300));
        expect(resumed.boards).toEqual([]);
      } finally {
        resumed.close();
        stale.close();
      }
    } finally {
      stream.close();
    }
  }, 60_000);

  it('follows the pods of a deployment on the board even when they lack the selector labels', async () => {
    const kc = kubeConfigFor(sandbox, 'gke-ops');
    await kc.makeApiClient(CoreV1Api).createNamespace({
      body: { metadata: { name: 'payments' } },
    });
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'payments',
      body: {
        metadata: { name: 'ledger', labels: { team: 'payments' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'ledger' } },
          template: {
            metadata: { labels: { app: 'ledger' } },
            spec: {
              containers: [
                { name: 'app', image: 'registry.example/ledger:1.0.0' },
              ],
            },
          },
        },
      },
    });
    const stream = openStream(
      `${base}/boards/default/component/ledger/stream`,
      { Authorization: demo },
    );
    try {
      const running = await stream.until(
        b => pods(b).length === 2 && pods(b).every(p => p.ready),
      );
      const pod = pods(running)[0];
      // The container restarted and is ready again: a change to the pod alone, which moves no
      // count of its ReplicaSet or deployment.
      await sandbox.control['gke-ops'].applyObjects([
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: pod.name, namespace: 'payments' },
          status: {
            containerStatuses: [
              { name: 'app', ready: true, restartCount: pod.restarts + 3 },
            ],
          },
        },
      ]);
      const restarted = await stream.until(b =>
        pods(b).some(
          p => p.name === pod.name && p.restarts === pod.restarts + 3,
        ),
      );
      expect(pods(restarted).every(p => p.ready)).toBe(true);
    } finally {
      stream.close();
    }
  }, 30_000);

  it('shows a cluster that is down as unreachable while the others keep serving, then recovers', async () => {
    const stream = openStream(
      `${base}/boards/default/component/ai-gateway/stream`,
      { Authorization: demo },
    );
    try {
      await stream.until(() => true);
      await sandbox.control['gke-prod-europe-west1'].down();
      const down = await stream.until(b =>
        b.clusters.some(
          c => c.name === 'gke-prod-europe-west1' && c.state === 'unreachable',
        ),
      );
      const europe = down.clusters.find(
        c => c.name === 'gke-prod-europe-west1',
      )!;
      expect(europe.lastSeen).toBeDefined();
      expect(
        down.clusters.find(c => c.name === 'gke-prod-us-east1')!.state,
      ).toBe('ok');
      // What was last seen is still on the board.
      expect(pods(down).length).toBeGreaterThan(0);
      await sandbox.control['gke-prod-europe-west1'].up();
      await stream.until(
        b =>
          b.revision > down.revision && b.clusters.every(c => c.state === 'ok'),
        30_000,
      );
    } finally {
      stream.close();
    }
  }, 60_000);
});
