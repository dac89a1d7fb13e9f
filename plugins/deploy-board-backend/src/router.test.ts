import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import express from 'express';
import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubernetesCacheService } from '@groundcrew/plugin-infra-node';
import { createRouter } from './router';
import { DeployBoardService } from './service/DeployBoardService';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ai-gateway',
    namespace: 'default',
    annotations: { 'groundcrew.io/runway-service': 'ai-gateway' },
  },
  spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
};

/** A promise with its resolve function, to hold a step of the stream's opening. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>(resolve => {
    open = resolve;
  });
  return { promise, open };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** An empty, synced cache whose `waitForSync` can be held open. */
function fakeCache(sync: () => Promise<boolean>): KubernetesCacheService {
  return {
    waitForSync: sync,
    clusters: () => [],
    deployments: () => [],
    replicaSetsOf: () => [],
    podsOf: () => [],
    podEvents: () => [],
    flux: () => [],
    routes: () => [],
    watch: () => {},
    namespace: () => undefined,
    subscribe: () => () => {},
  };
}

describe('deploy-board router stream', () => {
  let server: Server | undefined;
  let boards: DeployBoardService | undefined;

  afterEach(async () => {
    boards?.stop();
    server?.closeAllConnections();
    await new Promise<void>(resolve =>
      server ? server.close(() => resolve()) : resolve(),
    );
    server = undefined;
    boards = undefined;
  });

  async function start(options: {
    lookup: () => Promise<Entity | undefined>;
    sync?: () => Promise<boolean>;
  }) {
    boards = DeployBoardService.create({
      cache: fakeCache(options.sync ?? (async () => true)),
      catalog: catalogServiceMock.mock({ getEntityByRef: options.lookup }),
      permissions: mockServices.permissions(),
      logger: mockServices.logger.mock(),
      readCheckTtlMs: 0,
    });
    const router = await createRouter({
      boards,
      httpAuth: mockServices.httpAuth(),
      logger: mockServices.logger.mock(),
      stream: { heartbeatMs: 1000, maxBufferedBytes: 1024 * 1024 },
    });
    server = express().use(router).listen(0);
    await new Promise(resolve => server!.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      router,
      url: `http://127.0.0.1:${port}/boards/default/component/ai-gateway/stream`,
    };
  }

  /** Opens the stream and aborts it once `reached` resolves; resolves when the client gave up. */
  async function openAndAbort(url: string, reached: Promise<unknown>) {
    const controller = new AbortController();
    const response = fetch(url, { signal: controller.signal }).catch(
      error => error,
    );
    await reached;
    controller.abort();
    await response;
    // Let the server see the closed connection.
    await sleep(100);
  }

  it('holds a listener and a heartbeat while the stream is open, none once it is closed', async () => {
    const { router, url } = await start({ lookup: async () => entity });
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(boards!.listenerCount()).toBe(1);
    expect(router.openStreams()).toBe(1);
    controller.abort();
    await sleep(100);
    expect(boards!.listenerCount()).toBe(0);
    expect(router.openStreams()).toBe(0);
  });

  it('leaves no listener or heartbeat behind when the client goes away during the catalog lookup', async () => {
    const called = gate();
    const answer = gate<Entity>();
    const { router, url } = await start({
      lookup: () => {
        called.open();
        return answer.promise;
      },
    });
    await openAndAbort(url, called.promise);
    answer.open(entity);
    await sleep(100);
    expect(boards!.listenerCount()).toBe(0);
    expect(router.openStreams()).toBe(0);
  });

  it('leaves no listener or heartbeat behind when the client goes away while the cache syncs', async () => {
    const waiting = gate();
    const synced = gate<boolean>();
    const { router, url } = await start({
      lookup: async () => entity,
      sync: () => {
        waiting.open();
        return synced.promise;
      },
    });
    await openAndAbort(url, waiting.promise);
    synced.open(true);
    await sleep(100);
    expect(boards!.listenerCount()).toBe(0);
    expect(router.openStreams()).toBe(0);
  });
});
