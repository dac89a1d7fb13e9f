import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { TrafficView } from '@groundcrew/plugin-infra-common';
import { TrafficService } from './service/TrafficService';

export interface TrafficStreamOptions {
  heartbeatMs: number;
  debounceMs: number;
}

function entityRefOf(req: express.Request) {
  const { namespace, kind, name } = req.params;
  return stringifyEntityRef({ kind, namespace, name });
}

/** The plugin's routes, and how many event streams are open (for tests). */
export type TrafficRouter = express.Router & { openStreams(): number };

export async function createRouter(options: {
  traffic: TrafficService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  stream: TrafficStreamOptions;
}): Promise<TrafficRouter> {
  const { traffic, httpAuth, stream } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  let openStreams = 0;

  router.get('/routes/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(await traffic.getView(entityRefOf(req), credentials));
  });

  router.post('/routes/:namespace/:kind/:name/changes', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const result = await traffic.change(
      entityRefOf(req),
      req.body,
      credentials,
      credentials.principal.userEntityRef,
    );
    // Multi-Status when a change across clusters failed in some of them.
    res
      .status(result.outcomes.some(o => o.status === 'failed') ? 207 : 200)
      .json(result);
  });

  router.get('/history/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json({
      changes: await traffic.getHistory(entityRefOf(req), credentials),
    });
  });

  // Server-sent events: one `traffic` event with the whole view whenever a route of the entity
  // changes (through Groundcrew, kubectl or another replica: all arrive through the watch cache).
  router.get('/routes/:namespace/:kind/:name/stream', async (req, res) => {
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const send = (view: TrafficView) =>
      res.write(
        `event: traffic\nid: ${view.revision}\ndata: ${JSON.stringify(
          view,
        )}\n\n`,
      );
    const { current, unsubscribe } = await traffic.subscribe(
      entityRefOf(req),
      credentials,
      send,
      { debounceMs: stream.debounceMs },
    );
    if (closed.signal.aborted) {
      unsubscribe();
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    send(current);
    openStreams++;
    const heartbeat = setInterval(
      () => res.write(': heartbeat\n\n'),
      stream.heartbeatMs,
    );
    closed.signal.addEventListener(
      'abort',
      () => {
        openStreams--;
        clearInterval(heartbeat);
        unsubscribe();
      },
      { once: true },
    );
  });

  return Object.assign(router, { openStreams: () => openStreams });
}
