import { gzipSync } from 'node:zlib';
import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  BoardSnapshot,
  DeployBoardService,
} from './service/DeployBoardService';

export interface StreamOptions {
  heartbeatMs: number;
  /** A client that cannot keep up gets only the newest board (whole) once this much is waiting. */
  maxBufferedBytes: number;
}

/** Bytes derived from a board, made once per board however many clients receive them. */
function encodedOnce(encode: (snapshot: BoardSnapshot) => Buffer) {
  const encoded = new WeakMap<BoardSnapshot, Buffer>();
  return (snapshot: BoardSnapshot): Buffer => {
    let bytes = encoded.get(snapshot);
    if (!bytes) {
      bytes = encode(snapshot);
      encoded.set(snapshot, bytes);
    }
    return bytes;
  };
}

const gzipOf = encodedOnce(snapshot => gzipSync(snapshot.json, { level: 6 }));
/** The server-sent event of a whole board: the same bytes are written to every stream of it. */
const boardEventOf = encodedOnce(snapshot =>
  Buffer.from(`event: board\nid: ${snapshot.id}\ndata: ${snapshot.json}\n\n`),
);
/** The event of the patch that leads to a board (see BoardSnapshot.patch). */
const patchEventOf = encodedOnce(snapshot =>
  Buffer.from(
    `event: patch\nid: ${snapshot.id}\ndata: ${JSON.stringify(
      snapshot.patch,
    )}\n\n`,
  ),
);

function entityRefOf(req: express.Request) {
  const { namespace, kind, name } = req.params;
  return stringifyEntityRef({ kind, namespace, name });
}

/** The plugin's routes, and how many event streams hold a heartbeat timer (for tests). */
export type DeployBoardRouter = express.Router & { openStreams(): number };

export async function createRouter(options: {
  boards: DeployBoardService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  stream: StreamOptions;
}): Promise<DeployBoardRouter> {
  const { boards, httpAuth, stream } = options;
  const router = Router();
  let openStreams = 0;

  router.get('/boards/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const snapshot = await boards.getBoard(entityRefOf(req), credentials);
    const { json, etag } = snapshot;
    // The ETag is made once per board, not hashed again for every page load.
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.header('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.type('application/json');
    // Compressed once per board and reused: the framework's compression would gzip the same
    // few hundred kilobytes again on every page load.
    if (req.acceptsEncodings('gzip')) {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(gzipOf(snapshot));
      return;
    }
    res.send(json);
  });

  // Server-sent events (see DeployBoardPatch): the whole board first, then one `patch` event per
  // change, from the board the client has. A client that comes back with Last-Event-ID gets
  // nothing if the board did not change meanwhile, the patch if it missed just that one, the whole
  // board otherwise (an id of another backend instance never matches).
  router.get('/boards/:namespace/:kind/:name/stream', async (req, res) => {
    // Set before anything is awaited: a client that leaves while the stream is opening (catalog
    // lookup, sync wait) must leave neither a listener nor a heartbeat behind.
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    let pending: BoardSnapshot | undefined;
    let lastSent = req.header('last-event-id');

    const send = (snapshot: BoardSnapshot) => {
      if (snapshot.id === lastSent) return;
      if (res.writableLength > stream.maxBufferedBytes) {
        pending = snapshot; // keep the newest only; older boards are worthless
        return;
      }
      // After a skipped board (a slow client), the patch does not apply: the whole board then.
      const event =
        snapshot.patch && snapshot.patch.from === lastSent
          ? patchEventOf(snapshot)
          : boardEventOf(snapshot);
      lastSent = snapshot.id;
      res.write(event);
    };

    let subscription: Awaited<ReturnType<DeployBoardService['subscribe']>>;
    try {
      subscription = await boards.subscribe(
        entityRefOf(req),
        credentials,
        snapshot => send(snapshot),
        closed.signal,
      );
    } catch (error) {
      if (closed.signal.aborted) return; // nobody is left to answer
      throw error;
    }
    const { current, unsubscribe } = subscription;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      // no-transform also keeps the framework's compression from buffering the events.
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    send(current);
    res.on('drain', () => {
      if (pending) {
        const next = pending;
        pending = undefined;
        send(next);
      }
    });
    openStreams++;
    const heartbeat = setInterval(
      () => res.write(': heartbeat\n\n'),
      stream.heartbeatMs,
    );
    const stop = () => {
      openStreams--;
      clearInterval(heartbeat);
      unsubscribe();
    };
    if (closed.signal.aborted) stop();
    else closed.signal.addEventListener('abort', stop, { once: true });
  });

  return Object.assign(router, { openStreams: () => openStreams });
}
