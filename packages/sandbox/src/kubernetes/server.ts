import type { ServerResponse } from 'node:http';
import { ImitationServer } from '../framework/server';
import { HttpError, parseJson, sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import type { TlsMaterial } from '../framework/tls';
import { ClusterState } from './cluster';
import { Controllers } from './controllers';
import { KindRegistry } from './kinds';
import { ProblemLog } from './problems';
import { isPlainObject } from './patch';
import { badRequest, failureStatus } from './status';
import type { KubeObject } from './types';
import type { ServerContext } from './server/context';
import { addDiscoveryRoutes } from './server/discovery';
import { serveResource } from './server/resource';
import { DEFAULT_TIMINGS, KubernetesTimings } from './server/timings';

export { DEFAULT_TIMINGS };
export type { KubernetesTimings };

export interface KubernetesServerOptions {
  name: string;
  token: string;
  tls: TlsMaterial;
  port?: number;
  controlPort?: number;
  /** Size of the watch history (events kept for watches from a resourceVersion). */
  historySize?: number;
  timings?: Partial<KubernetesTimings>;
  registry?: KindRegistry;
}

/** One imitated kube-apiserver. */
export class KubernetesServer {
  readonly http: ImitationServer;
  readonly state: ClusterState;
  readonly registry: KindRegistry;
  readonly timings: KubernetesTimings;
  private fixture: unknown[] = [];
  private readonly watches = new Set<ServerResponse>();
  /** What the request handlers (discovery, list, watch, write) share. */
  private readonly context: ServerContext;
  readonly controllers: Controllers;
  /** Errors of the controllers and store listeners, logged and kept. */
  readonly problems: ProblemLog;

  constructor(private readonly options: KubernetesServerOptions) {
    this.registry = options.registry ?? new KindRegistry();
    this.timings = { ...DEFAULT_TIMINGS, ...(options.timings ?? {}) };
    this.state = new ClusterState(this.registry, options.historySize);
    this.http = new ImitationServer({
      name: options.name,
      tls: options.tls,
      port: options.port,
      controlPort: options.controlPort,
      errorBody: (status, message, fault) =>
        failureStatus(status, message, fault?.reason),
      onReset: () => this.reset(),
      onFixture: body => this.onFixture(body),
    });
    this.problems = new ProblemLog(options.name);
    this.state.store.onListenerError = (error, ev) =>
      this.problems.report(
        `store listener on ${ev.type} ${ev.kind} ${
          ev.object.metadata.namespace ?? ''
        }/${ev.object.metadata.name}`,
        error,
      );
    this.controllers = new Controllers(
      this.state,
      this.timings,
      options.name,
      (source, error) => this.problems.report(source, error),
    );
    this.context = {
      state: this.state,
      registry: this.registry,
      timings: this.timings,
      watches: this.watches,
    };
    this.installRoutes();
  }

  get name() {
    return this.options.name;
  }
  get url() {
    return this.http.url;
  }
  get token() {
    return this.options.token;
  }

  async start() {
    this.controllers.start();
    await this.http.start();
  }

  async stop() {
    this.controllers.stop();
    this.closeWatches();
    await this.http.stop();
  }

  /** Sets the fixture that `reset` returns to, and resets. */
  setFixture(objects: unknown[]) {
    this.fixture = objects;
    this.reset();
  }

  /** Back to the fixture: open watches are closed, older resourceVersions become 410. */
  reset() {
    this.closeWatches();
    this.state.store.clear();
    this.state.insertFixture(this.fixture, { silent: true });
    this.state.store.forgetHistory();
    this.controllers.resync();
  }

  closeWatches() {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  private onFixture(body: unknown) {
    const b = (Array.isArray(body) ? { objects: body } : body) as {
      objects?: unknown[];
      replace?: boolean;
    };
    if (!b || !Array.isArray(b.objects))
      throw badRequest('expected {objects: [...], replace?: boolean}');
    if (b.replace) {
      this.setFixture(b.objects);
      return { loaded: b.objects.length };
    }
    return { loaded: this.state.insertFixture(b.objects, { silent: false }) };
  }

  private authorize(ctx: RequestContext) {
    const header = ctx.req.headers.authorization ?? '';
    if (header !== `Bearer ${this.options.token}`) {
      throw new HttpError(
        401,
        failureStatus(401, 'Unauthorized', 'Unauthorized'),
      );
    }
  }

  private installRoutes() {
    const r = this.http.router;
    const authed =
      (h: (ctx: RequestContext) => Promise<void> | void) =>
      async (ctx: RequestContext) => {
        this.authorize(ctx);
        await h(ctx);
      };
    addDiscoveryRoutes(r, authed, this.registry);

    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const h = authed(ctx => serveResource(this.context, ctx));
      for (const prefix of ['/api/:version', '/apis/:group/:version']) {
        r.add(method, `${prefix}/namespaces/{namespace}/:resource`, h);
        r.add(method, `${prefix}/namespaces/{namespace}/:resource/{name}`, h);
        r.add(
          method,
          `${prefix}/namespaces/{namespace}/:resource/{name}/:subresource`,
          h,
        );
        r.add(method, `${prefix}/:resource`, h);
        r.add(method, `${prefix}/:resource/{name}`, h);
        r.add(method, `${prefix}/:resource/{name}/:subresource`, h);
      }
    }

    this.http.addControlRoute('GET', '/_sandbox/problems', ctx =>
      sendJson(ctx.res, 200, { problems: this.problems.list() }),
    );
    this.http.addControlRoute('POST', '/_sandbox/objects', async ctx => {
      const body = parseJson(await ctx.body()) as
        | { objects?: unknown[] }
        | unknown[];
      const objects = Array.isArray(body) ? body : body?.objects;
      if (!Array.isArray(objects))
        throw badRequest('expected {objects: [...]}');
      const out = objects.map(o => {
        if (!isPlainObject(o)) throw badRequest('objects must be objects');
        return this.state.writeAsController(o as KubeObject, 'sandbox-control');
      });
      sendJson(ctx.res, 200, { objects: out });
    });
  }
}
