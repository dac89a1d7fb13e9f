import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultSet, FaultSpec } from './faults';
import { HttpError, parseJson, readBody, sendJson, sleep } from './http';
import {
  Handler,
  isMutatingMethod,
  RequestContext,
  RouteOptions,
  Router,
} from './router';
import type { TlsMaterial } from './tls';

export type DownMode = 'refuse' | 'hang';

/**
 * A protocol listener that is not HTTP (the gRPC server of the Teleport
 * imitation). It replaces the HTTP(S) protocol listener; the control listener
 * stays HTTPS, and its handlers count each call and take faults through
 * {@link ImitationServer.countCall}.
 */
export interface ProtocolListener {
  /** Starts listening on 127.0.0.1:`port` (0 picks one); resolves to the bound port. */
  listen(port: number): Promise<number>;
  /** Stops listening and cuts open connections. */
  close(): Promise<void>;
}

export interface ImitationServerOptions {
  /** Shown in logs and errors. */
  name: string;
  tls: TlsMaterial;
  /**
   * Scheme of the protocol listener (default `https`, with `tls`). `http`
   * serves plain HTTP on 127.0.0.1, for clients that take no CA (Node's git and
   * fetch clients of the GitLab imitation). The control listener is always HTTPS.
   */
  protocol?: 'http' | 'https';
  /** Port of the protocol listener; 0 or absent picks one at run time. */
  port?: number;
  /** Port of the control-only listener, which stays up while the server is "down". */
  controlPort?: number;
  /**
   * Shapes an error body the way the imitated system does. `fault` is set for
   * an injected fault (its `reason` names the protocol's own error reason).
   */
  errorBody?: (status: number, message: string, fault?: FaultSpec) => unknown;
  /** Back to the loaded fixture. */
  onReset?: () => Promise<void> | void;
  /** Loads objects (the body of `POST /_sandbox/fixture`). */
  onFixture?: (body: unknown) => Promise<unknown> | unknown;
  /** Serves the protocol with this listener instead of HTTP(S) (`protocol` is then ignored). */
  listener?: ProtocolListener;
}

const HOST = '127.0.0.1';

/** Requests counted per route, and in total as reads and mutations. */
export interface CounterSnapshot {
  total: number;
  /** Requests to routes that do not change state (GET, watches, Google's `:getIamPolicy`). */
  reads: number;
  /** Requests to routes that may change state. */
  mutations: number;
  routes: Record<string, number>;
}

/**
 * The base of every imitation: an HTTPS (or, with `protocol: 'http'`, plain
 * HTTP) server on 127.0.0.1 with a router,
 * request counters, fault injection, and the control API under `/_sandbox/`.
 */
export class ImitationServer {
  readonly router = new Router();
  private readonly controlRouter = new Router();
  private readonly faults = new FaultSet();
  private counters = new Map<string, number>();
  private total = 0;
  private reads = 0;
  private mutations = 0;
  private readonly server: http.Server;
  private readonly controlServer: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private downMode: DownMode | undefined;
  private upTimer: NodeJS.Timeout | undefined;
  private portNumber: number;
  private controlPortNumber: number;
  private listening = false;

  constructor(private readonly options: ImitationServerOptions) {
    const tlsOptions = { cert: options.tls.certPem, key: options.tls.keyPem };
    this.portNumber = options.port ?? 0;
    this.controlPortNumber = options.controlPort ?? 0;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res, false).catch(() => res.destroy());
    };
    this.server =
      options.protocol === 'http'
        ? http.createServer(onRequest)
        : https.createServer(tlsOptions, onRequest);
    this.server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Long watches must not be cut by Node's default request timeouts.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 5_000;
    this.controlServer = https.createServer(tlsOptions, (req, res) => {
      this.handle(req, res, true).catch(() => res.destroy());
    });
    this.installControlRoutes();
  }

  get name(): string {
    return this.options.name;
  }
  get port(): number {
    return this.portNumber;
  }
  get url(): string {
    return `${this.options.protocol ?? 'https'}://${HOST}:${this.portNumber}`;
  }
  get controlUrl(): string {
    return `https://${HOST}:${this.controlPortNumber}`;
  }
  get isDown(): boolean {
    return this.downMode !== undefined;
  }
  /** How the server is down, if it is (a {@link ProtocolListener}'s handlers never answer in `hang`). */
  get currentDownMode(): DownMode | undefined {
    return this.downMode;
  }

  /**
   * Counts one call of a {@link ProtocolListener} (as a read or a mutation,
   * per `routeKey`) and takes the first injected fault that matches `method`
   * and `path`, as the HTTP listener does for each request.
   */
  countCall(call: {
    routeKey: string;
    mutation: boolean;
    method: string;
    path: string;
  }): FaultSpec | undefined {
    this.counters.set(
      call.routeKey,
      (this.counters.get(call.routeKey) ?? 0) + 1,
    );
    this.total += 1;
    if (call.mutation) this.mutations += 1;
    else this.reads += 1;
    return this.faults.take(call.method.toUpperCase(), call.path);
  }

  /** Adds a route to the control API (path must start with `/_sandbox/`). */
  addControlRoute(method: string, pattern: string, handler: Handler): void {
    this.controlRouter.add(method, pattern, handler);
  }

  async start(): Promise<void> {
    await this.listen();
    this.controlPortNumber = await listenOn(
      this.controlServer,
      this.controlPortNumber,
    );
  }

  async stop(): Promise<void> {
    clearTimeout(this.upTimer);
    this.releaseHanging();
    await Promise.all([this.close(), closeServer(this.controlServer)]);
  }

  /**
   * Simulates an unreachable server. `refuse` closes the listener (connections
   * are refused); `hang` keeps accepting but never answers. With `forMs`, the
   * server comes back by itself.
   */
  async down(mode: DownMode = 'refuse', forMs?: number): Promise<void> {
    this.downMode = mode;
    if (mode === 'refuse') {
      await this.close();
    } else {
      for (const socket of this.sockets) socket.destroy();
    }
    clearTimeout(this.upTimer);
    if (forMs && forMs > 0) {
      this.upTimer = setTimeout(() => {
        this.up().catch(() => undefined);
      }, forMs);
      this.upTimer.unref();
    }
  }

  async up(): Promise<void> {
    clearTimeout(this.upTimer);
    const wasRefusing = this.downMode === 'refuse';
    this.downMode = undefined;
    this.releaseHanging();
    if (wasRefusing || !this.listening) {
      await this.listen();
    }
  }

  counterSnapshot(): CounterSnapshot {
    return {
      total: this.total,
      reads: this.reads,
      mutations: this.mutations,
      routes: Object.fromEntries(this.counters),
    };
  }

  resetCounters(): void {
    this.counters = new Map();
    this.total = 0;
    this.reads = 0;
    this.mutations = 0;
  }

  /** Adds a protocol route; see {@link RouteOptions} for what counts as a mutation. */
  addRoute(
    method: string,
    pattern: string,
    handler: Handler,
    options?: RouteOptions,
  ): void {
    this.router.add(method, pattern, handler, options);
  }

  injectFault(spec: FaultSpec): void {
    this.faults.add(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  private async listen() {
    this.portNumber = this.options.listener
      ? await this.options.listener.listen(this.portNumber)
      : await listenOn(this.server, this.portNumber);
    this.listening = true;
  }

  private async close() {
    if (!this.listening) return;
    this.listening = false;
    if (this.options.listener) {
      await this.options.listener.close();
      return;
    }
    for (const socket of this.sockets) socket.destroy();
    await closeServer(this.server);
  }

  private releaseHanging() {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  private errorBody(
    status: number,
    message: string,
    fault?: FaultSpec,
  ): unknown {
    return this.options.errorBody
      ? this.options.errorBody(status, message, fault)
      : { message, code: status };
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    controlOnly: boolean,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const path = url.pathname;
    let bodyPromise: Promise<Buffer> | undefined;
    const ctx: RequestContext = {
      req,
      res,
      method,
      path,
      query: url.searchParams,
      params: {},
      routeKey: '',
      body: () => (bodyPromise ??= readBody(req)),
    };

    try {
      if (path.startsWith('/_sandbox/')) {
        const match = this.controlRouter.match(method, path);
        if (!match) {
          throw new HttpError(404, {
            message: `no control route ${method} ${path}`,
          });
        }
        ctx.params = match.params;
        ctx.routeKey = match.routeKey;
        await match.handler(ctx);
        return;
      }
      if (controlOnly) {
        throw new HttpError(404, {
          message: 'this port serves only /_sandbox/',
        });
      }
      if (this.downMode === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }

      const match = this.router.match(method, path);
      const isWatch = isWatchQuery(url.searchParams);
      ctx.routeKey = `${match?.routeKey ?? `${method} (unmatched)`}${
        isWatch ? '?watch' : ''
      }`;
      this.counters.set(
        ctx.routeKey,
        (this.counters.get(ctx.routeKey) ?? 0) + 1,
      );
      this.total += 1;
      if (match ? match.mutation : isMutatingMethod(method)) {
        this.mutations += 1;
      } else {
        this.reads += 1;
      }

      const fault = this.faults.take(method, `${path}${url.search}`);
      if (fault) {
        if (fault.delayMs) await sleep(fault.delayMs);
        if (fault.status) {
          const headers: Record<string, string> = {};
          if (fault.retryAfterSeconds !== undefined) {
            headers['Retry-After'] = String(fault.retryAfterSeconds);
          }
          sendJson(
            res,
            fault.status,
            this.errorBody(
              fault.status,
              fault.message ?? `injected fault (${fault.status})`,
              fault,
            ),
            headers,
          );
          return;
        }
        if (fault.dropWatch) ctx.dropWatch = true;
        if (fault.silentWatch) ctx.silentWatch = true;
      }

      if (!match) {
        sendJson(
          res,
          404,
          this.errorBody(
            404,
            'the server could not find the requested resource',
          ),
        );
        return;
      }
      ctx.params = match.params;
      await match.handler(ctx);
    } catch (e) {
      if (e instanceof HttpError) {
        sendJson(res, e.status, e.body, e.headers);
      } else if (e instanceof SyntaxError) {
        sendJson(res, 400, this.errorBody(400, `invalid body: ${e.message}`));
      } else {
        sendJson(
          res,
          500,
          this.errorBody(500, `internal error: ${(e as Error).message}`),
        );
      }
    }
  }

  private installControlRoutes() {
    const ok = (ctx: RequestContext, body: unknown = { ok: true }) =>
      sendJson(ctx.res, 200, body);
    this.addControlRoute('POST', '/_sandbox/reset', async ctx => {
      this.clearFaults();
      await this.options.onReset?.();
      ok(ctx);
    });
    this.addControlRoute('POST', '/_sandbox/fixture', async ctx => {
      const body = parseJson(await ctx.body());
      if (!this.options.onFixture) {
        throw new HttpError(404, { message: 'this server takes no fixture' });
      }
      ok(ctx, (await this.options.onFixture(body)) ?? { ok: true });
    });
    this.addControlRoute('POST', '/_sandbox/faults', async ctx => {
      const body = parseJson(await ctx.body());
      const specs = (Array.isArray(body) ? body : [body]) as FaultSpec[];
      try {
        for (const spec of specs) {
          if (!spec || typeof spec !== 'object')
            throw new Error('fault must be an object');
          this.faults.add(spec);
        }
      } catch (e) {
        throw new HttpError(400, { message: (e as Error).message });
      }
      ok(ctx, { faults: this.faults.list() });
    });
    this.addControlRoute('GET', '/_sandbox/faults', ctx =>
      ok(ctx, { faults: this.faults.list() }),
    );
    this.addControlRoute('DELETE', '/_sandbox/faults', ctx => {
      this.clearFaults();
      ok(ctx);
    });
    this.addControlRoute('GET', '/_sandbox/counters', ctx =>
      ok(ctx, this.counterSnapshot()),
    );
    this.addControlRoute('DELETE', '/_sandbox/counters', ctx => {
      this.resetCounters();
      ok(ctx);
    });
    this.addControlRoute('POST', '/_sandbox/down', async ctx => {
      const body = (parseJson(await ctx.body()) ?? {}) as {
        mode?: DownMode;
        forMs?: number;
      };
      const mode = body.mode ?? 'refuse';
      if (mode !== 'refuse' && mode !== 'hang') {
        throw new HttpError(400, { message: 'mode must be refuse or hang' });
      }
      // Answer first: going down closes the connection this request came on.
      ok(ctx);
      if (!ctx.res.writableFinished) {
        await new Promise(resolve => ctx.res.once('finish', resolve));
      }
      await this.down(mode, body.forMs);
    });
    this.addControlRoute('POST', '/_sandbox/up', async ctx => {
      await this.up();
      ok(ctx);
    });
  }
}

function isWatchQuery(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === '1' || w === 'true';
}

function listenOn(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise(resolve => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
