import http, { ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { mockServices } from '@backstage/backend-test-utils';
import { eventually } from '../../__testUtils__/probeBackend';
import {
  ClusterWatcher,
  createListGate,
  WATCHED_KINDS,
} from './ClusterWatcher';

const resource = (name: string, kind: string, namespaced: boolean) => ({
  name,
  kind,
  namespaced,
  singularName: '',
  verbs: ['get', 'list', 'watch'],
});

const DISCOVERY: Record<string, object> = {
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('pods', 'Pod', true),
      resource('namespaces', 'Namespace', false),
    ],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [
      resource('deployments', 'Deployment', true),
      resource('replicasets', 'ReplicaSet', true),
    ],
  },
};

/**
 * A bare API server that lists nothing and lets each test script the pods watch: the events the
 * sandbox cannot be made to send (an ERROR other than 410, an object the cache cannot read).
 */
async function fakeApiServer(
  podsWatch: (res: ServerResponse) => void,
  options: { failWatches?: boolean } = {},
) {
  const lists = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // Neither Flux nor the route kinds are served: optional kinds, found absent.
    if (/fluxcd\.io|networking/.test(url.pathname)) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 404, message: 'none' }));
      return;
    }
    // Discovery, which the client's KubernetesObjectApi reads before it lists.
    const discovery = DISCOVERY[url.pathname];
    if (discovery) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(discovery));
      return;
    }
    if (url.searchParams.get('watch') !== 'true') {
      lists.set(url.pathname, (lists.get(url.pathname) ?? 0) + 1);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ items: [], metadata: { resourceVersion: '1' } }),
      );
      return;
    }
    if (options.failWatches) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 500, message: 'down' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    open.add(res);
    res.on('close', () => open.delete(res));
    if (url.pathname === '/api/v1/pods') podsWatch(res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'fake',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'fake', token: 'fake' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  return {
    kc,
    lists,
    stop: async () => {
      for (const res of open) res.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

function pod(name: string, extra: object = {}) {
  return {
    metadata: {
      uid: `uid-${name}`,
      name,
      namespace: 'default',
      resourceVersion: '2',
      ownerReferences: [{ name: 'rs', controller: true }],
    },
    status: { phase: 'Running' },
    ...extra,
  };
}

function startWatcher(kc: KubeConfig) {
  const logger = mockServices.logger.mock();
  const watcher = new ClusterWatcher(
    'fake',
    {},
    kc,
    logger,
    () => {},
    createListGate(4).forCluster('fake'),
    500,
    { backoff: { baseMs: 1, maxMs: 2, tooManyRequestsMs: 1 } },
  );
  watcher.start(WATCHED_KINDS);
  return { watcher, logger };
}

describe('watch events the cache must not lose silently', () => {
  it('relists after a watch ERROR other than 410, and says so', async () => {
    const fake = await fakeApiServer(res =>
      res.write(
        `${JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            code: 500,
            message: 'etcdserver: leader changed',
          },
        })}\n`,
      ),
    );
    const { watcher, logger } = startWatcher(fake.kc);
    try {
      await eventually(() => (fake.lists.get('/api/v1/pods') ?? 0) >= 2, 5_000);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/Pod watch .*leader changed.*relisting/),
      );
    } finally {
      watcher.stop();
      await fake.stop();
    }
  }, 10_000);

  it('logs an event it cannot apply, and keeps applying the next ones', async () => {
    const fake = await fakeApiServer(res => {
      // `conditions` must be a list: reading this pod throws.
      const broken = pod('broken', {
        status: { phase: 'Running', conditions: 'not a list' },
      });
      res.write(`${JSON.stringify({ type: 'ADDED', object: broken })}\n`);
      res.write(`${JSON.stringify({ type: 'ADDED', object: pod('good') })}\n`);
    });
    const { watcher, logger } = startWatcher(fake.kc);
    try {
      await eventually(
        () => watcher.podsOf('default', 'rs').some(p => p.name === 'good'),
        5_000,
      );
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(
          /Cannot read Pod default\/broken of cluster fake/,
        ),
      );
      expect(watcher.podsOf('default', 'rs').map(p => p.name)).toEqual([
        'good',
      ]);
    } finally {
      watcher.stop();
      await fake.stop();
    }
  }, 10_000);

  it('holds at most one sleep and one watch per kind however long watches keep failing', async () => {
    const fake = await fakeApiServer(() => undefined, { failWatches: true });
    const { watcher } = startWatcher(fake.kc);
    let peak = { sleeps: 0, watches: 0 };
    try {
      // Hundreds of failed watches and back-offs per kind: an outage of an hour at 30 s each.
      const until = Date.now() + 2_000;
      while (Date.now() < until) {
        const now = watcher.pending();
        peak = {
          sleeps: Math.max(peak.sleeps, now.sleeps),
          watches: Math.max(peak.watches, now.watches),
        };
        await new Promise(r => setTimeout(r, 5));
      }
      expect(peak.sleeps).toBeLessThanOrEqual(WATCHED_KINDS.length);
      expect(peak.watches).toBeLessThanOrEqual(WATCHED_KINDS.length);
    } finally {
      watcher.stop();
      await fake.stop();
    }
    await eventually(() => watcher.pending().sleeps === 0, 2_000);
    expect(watcher.pending()).toEqual({ sleeps: 0, watches: 0 });
  }, 10_000);
});
