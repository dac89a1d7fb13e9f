import type { ServerResponse } from 'node:http';
import YAML from 'yaml';
import { ImitationServer } from '../framework/server';
import { HttpError, parseJson, sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import type { TlsMaterial } from '../framework/tls';
import { ClusterState, PATCH_TYPES, checkPatchType } from './cluster';
import { Controllers } from './controllers';
import {
  KindInfo,
  KindRegistry,
  apiVersionOf,
  kindKey,
  verbsOf,
} from './kinds';
import { podMetricsFor } from './metrics';
import { ProblemLog } from './problems';
import { answerReview } from './reviews';
import { checkDecodable } from './validation';
import { eventsV1FieldSelector, fromEventsV1, toEventsV1 } from './events';
import { handleLog, handleScale, SCALABLE } from './subresources';
import { openApiGroupVersion, openApiRoot } from './openapi';
import { isPlainObject } from './patch';
import { Matcher, parseFieldSelector, parseLabelSelector } from './selectors';
import { badRequest, failureStatus, statusError } from './status';
import type { StoreEvent } from './store';
import { TableListMeta, wantsTable, toTable } from './tables';
import type { KubeObject } from './types';

export interface KubernetesTimings {
  /** Pod created → scheduled and running (containers started). */
  podStartDelayMs: number;
  /** Running → Ready. */
  podReadyDelayMs: number;
  /** Flux HelmRelease / Kustomization change → Ready. */
  fluxReadyDelayMs: number;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs: number;
  /** The server ends every watch after this long (the real one: 30–60 min). */
  watchTimeoutSeconds: number;
  /** First back-off of a failing pod: image pull, crash loop, unschedulable (kubelet: 10 s). */
  backOffMs: number;
  /** Longest back-off of a failing pod (kubelet: 5 min). */
  backOffMaxMs: number;
  /** Events are deleted this long after they last happened (apiserver `--event-ttl`: 1 h). */
  eventTtlMs: number;
}

export const DEFAULT_TIMINGS: KubernetesTimings = {
  podStartDelayMs: 1500,
  podReadyDelayMs: 2500,
  fluxReadyDelayMs: 2000,
  bookmarkIntervalMs: 60_000,
  watchTimeoutSeconds: 1800,
  backOffMs: 10_000,
  backOffMaxMs: 300_000,
  eventTtlMs: 3_600_000,
};

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

const GIT_VERSION = 'v1.31.4-gke.1000';

/** One imitated kube-apiserver. */
export class KubernetesServer {
  readonly http: ImitationServer;
  readonly state: ClusterState;
  readonly registry: KindRegistry;
  readonly timings: KubernetesTimings;
  private fixture: unknown[] = [];
  private readonly watches = new Set<ServerResponse>();
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
    r.add(
      'GET',
      '/version',
      authed(ctx =>
        sendJson(ctx.res, 200, {
          major: '1',
          minor: '31',
          gitVersion: GIT_VERSION,
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2025-01-01T00:00:00Z',
          goVersion: 'go1.22.10',
          compiler: 'gc',
          platform: 'linux/amd64',
        }),
      ),
    );
    r.add(
      'GET',
      '/api',
      authed(ctx =>
        sendJson(ctx.res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' },
          ],
        }),
      ),
    );
    r.add(
      'GET',
      '/apis',
      authed(ctx =>
        sendJson(ctx.res, 200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: this.registry.groups().map(apiGroup),
        }),
      ),
    );
    r.add(
      'GET',
      '/api/:version',
      authed(ctx => this.resourceList(ctx, '', ctx.params.version)),
    );
    r.add(
      'GET',
      '/apis/:group',
      authed(ctx => {
        const g = this.registry.groups().find(x => x.name === ctx.params.group);
        if (!g)
          throw statusError(
            404,
            'the server could not find the requested resource',
            'NotFound',
          );
        sendJson(ctx.res, 200, {
          kind: 'APIGroup',
          apiVersion: 'v1',
          ...apiGroup(g),
        });
      }),
    );
    r.add(
      'GET',
      '/apis/:group/:version',
      authed(ctx =>
        this.resourceList(ctx, ctx.params.group, ctx.params.version),
      ),
    );
    const notServed = authed(ctx => {
      throw statusError(
        404,
        `the server could not find the requested resource (${ctx.path})`,
        'NotFound',
      );
    });
    // No v2 document: kubectl then uses its compiled-in patch metadata.
    r.add('GET', '/openapi/v2', notServed);
    r.add(
      'GET',
      '/openapi/v3',
      authed(ctx => sendJson(ctx.res, 200, openApiRoot(this.registry))),
    );
    const gvDoc = (core: boolean) =>
      authed(ctx => {
        const doc = openApiGroupVersion(
          this.registry,
          core ? '' : ctx.params.group,
          ctx.params.version,
        );
        if (!doc)
          throw statusError(
            404,
            'the server could not find the requested resource',
            'NotFound',
          );
        sendJson(ctx.res, 200, doc);
      });
    r.add('GET', '/openapi/v3/api/:version', gvDoc(true));
    r.add('GET', '/openapi/v3/apis/:group/:version', gvDoc(false));

    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const h = authed(ctx => this.resource(ctx));
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

  private resourceList(ctx: RequestContext, group: string, version: string) {
    const kinds = this.registry.inGroupVersion(group, version);
    if (kinds.length === 0) {
      throw statusError(
        404,
        'the server could not find the requested resource',
        'NotFound',
      );
    }
    const resources: unknown[] = [];
    for (const k of kinds) {
      resources.push({
        name: k.resource,
        singularName: k.singular,
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: verbsOf(k),
        ...(k.shortNames ? { shortNames: k.shortNames } : {}),
        ...(k.group === 'metrics.k8s.io' || k.review
          ? {}
          : {
              storageVersionHash: Buffer.from(kindKey(k))
                .toString('base64')
                .slice(0, 11),
            }),
      });
      if (SCALABLE.has(k.kind)) {
        resources.push({
          name: `${k.resource}/scale`,
          singularName: '',
          namespaced: k.namespaced,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        });
      }
      if (k.kind === 'Pod') {
        resources.push({
          name: 'pods/log',
          singularName: '',
          namespaced: true,
          kind: 'Pod',
          verbs: ['get'],
        });
      }
      if (k.status) {
        resources.push({
          name: `${k.resource}/status`,
          singularName: '',
          namespaced: k.namespaced,
          kind: k.kind,
          verbs: ['get', 'patch', 'update'],
        });
      }
    }
    sendJson(ctx.res, 200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf(group, version),
      resources,
    });
  }

  private async resource(ctx: RequestContext) {
    const {
      group = '',
      version,
      resource,
      namespace,
      name,
      subresource,
    } = ctx.params;
    const info = this.registry.byPath(group, version, resource);
    if (!info) {
      throw statusError(
        404,
        'the server could not find the requested resource',
        'NotFound',
      );
    }
    if (info.namespaced === false && namespace !== undefined) {
      throw statusError(
        404,
        'the server could not find the requested resource',
        'NotFound',
      );
    }
    if (info.review) {
      if (
        ctx.method !== 'POST' ||
        name !== undefined ||
        namespace !== undefined
      )
        throw statusError(
          405,
          'the server does not allow this method on the requested resource',
          'MethodNotAllowed',
        );
      const review = answerReview(
        info,
        apiVersionOf(info.group, version),
        await this.readObject(ctx),
      );
      return sendJson(ctx.res, 201, review);
    }
    if (ctx.method === 'PATCH' && !info.derived)
      checkPatchType(info, String(ctx.req.headers['content-type'] ?? ''));
    if (subresource === 'scale' && SCALABLE.has(info.kind) && name) {
      return handleScale({
        ctx,
        state: this.state,
        info,
        namespace: namespace ?? '',
        name,
        manager: ctx.query.get('fieldManager') ?? managerFromAgent(ctx),
      });
    }
    if (
      subresource === 'log' &&
      info.kind === 'Pod' &&
      name &&
      ctx.method === 'GET'
    ) {
      return handleLog({
        ctx,
        state: this.state,
        info,
        namespace: namespace ?? '',
        name,
      });
    }
    if (
      subresource !== undefined &&
      !(subresource === 'status' && info.status)
    ) {
      throw statusError(
        404,
        'the server could not find the requested resource',
        'NotFound',
      );
    }
    const ns = info.namespaced ? namespace : undefined;
    const q = ctx.query;
    if (info.storage && info.group === 'events.k8s.io') {
      // Same objects as core/v1 Events: select on the stored (core) field names.
      const selector = eventsV1FieldSelector(q.get('fieldSelector'));
      if (selector) q.set('fieldSelector', selector);
      if (ctx.method === 'PATCH')
        throw statusError(
          405,
          'the imitation serves events.k8s.io/v1 Events read-only apart from create, update and delete; patch them through core/v1',
          'MethodNotAllowed',
        );
    }
    const dryRun = q.getAll('dryRun').includes('All');
    const manager = q.get('fieldManager') ?? undefined;
    const defaultManager = manager ?? managerFromAgent(ctx);
    const writeOpts = { version, dryRun, subresource, manager: defaultManager };

    if (info.derived) {
      if (ctx.method !== 'GET' || isWatch(q)) {
        throw statusError(
          405,
          `the server does not allow this method on the requested resource`,
          'MethodNotAllowed',
        );
      }
      return this.derived(ctx, info, version, ns, name);
    }

    switch (ctx.method) {
      case 'GET': {
        if (name !== undefined) {
          const obj = this.state.get(info, ns ?? '', name);
          return this.send(ctx, 200, info, version, obj);
        }
        if (isWatch(q)) return this.watch(ctx, info, version, ns);
        return this.list(ctx, info, version, ns);
      }
      case 'POST': {
        if (name !== undefined)
          throw statusError(
            405,
            'the server does not allow this method on the requested resource',
            'MethodNotAllowed',
          );
        const body = await this.readObject(ctx);
        checkDecodable(info, version, body);
        const stored = this.stored(info, version, body);
        const created = this.state.create(stored.info, stored.body, ns, {
          ...writeOpts,
          version: stored.version,
        });
        return this.send(ctx, 201, info, version, created);
      }
      case 'PUT': {
        if (name === undefined)
          throw statusError(
            405,
            'the server does not allow this method on the requested resource',
            'MethodNotAllowed',
          );
        const body = await this.readObject(ctx);
        checkDecodable(info, version, body);
        const stored = this.stored(info, version, body);
        const updated = this.state.update(
          stored.info,
          stored.body,
          ns ?? '',
          name,
          { ...writeOpts, version: stored.version },
        );
        return this.send(ctx, 200, info, version, updated);
      }
      case 'PATCH': {
        if (name === undefined)
          throw statusError(
            405,
            'the server does not allow this method on the requested resource',
            'MethodNotAllowed',
          );
        const contentType = String(ctx.req.headers['content-type'] ?? '');
        const body = (await ctx.body()).toString('utf8');
        const existed = !!this.state.store.get(info, ns ?? '', name);
        const patched = this.state.patch(
          info,
          ns ?? '',
          name,
          contentType,
          body,
          {
            ...writeOpts,
            // Apply needs an explicit fieldManager; other patches default like the real server.
            manager: contentType.startsWith(PATCH_TYPES.apply)
              ? manager
              : defaultManager,
            force: q.get('force') === 'true',
          },
        );
        return this.send(ctx, existed ? 200 : 201, info, version, patched);
      }
      case 'DELETE': {
        if (name === undefined)
          return this.deleteCollection(ctx, info, version, ns);
        const gone = this.state.delete(info, ns ?? '', name, { dryRun });
        if (info.kind === 'Pod') {
          const shown = {
            ...gone,
            metadata: {
              ...gone.metadata,
              deletionTimestamp: new Date()
                .toISOString()
                .replace(/\.\d+Z$/, 'Z'),
              deletionGracePeriodSeconds: 0,
            },
          };
          return this.send(ctx, 200, info, version, shown);
        }
        return sendJson(ctx.res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: {
            name,
            group: info.group || undefined,
            kind: info.resource,
            uid: gone.metadata.uid,
          },
        });
      }
      default:
        throw statusError(
          405,
          'the server does not allow this method on the requested resource',
          'MethodNotAllowed',
        );
    }
  }

  private async readObject(ctx: RequestContext): Promise<unknown> {
    const text = (await ctx.body()).toString('utf8');
    const type = String(ctx.req.headers['content-type'] ?? '');
    try {
      return type.includes('yaml') ? YAML.parse(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(`error decoding request body: ${(e as Error).message}`);
    }
  }

  /** A written object as stored: events.k8s.io/v1 Events are kept as core/v1 ones. */
  private stored(info: KindInfo, version: string, body: unknown) {
    if (info.storage && info.group === 'events.k8s.io') {
      return {
        info: this.state.kind('v1', 'Event'),
        version: 'v1',
        body: fromEventsV1(body),
      };
    }
    return { info, version, body };
  }

  /** The object as served through `version` (the storage is shared across versions). */
  private present(
    info: KindInfo,
    version: string,
    obj: KubeObject,
  ): KubeObject {
    const apiVersion = apiVersionOf(info.group, version);
    if (info.storage && info.group === 'events.k8s.io')
      return toEventsV1(obj, apiVersion);
    return obj.apiVersion === apiVersion && obj.kind === info.kind
      ? obj
      : { ...obj, apiVersion, kind: info.kind };
  }

  private send(
    ctx: RequestContext,
    status: number,
    info: KindInfo,
    version: string,
    obj: KubeObject,
  ) {
    const shown = this.present(info, version, obj);
    if (wantsTable(ctx.req.headers.accept)) {
      sendJson(
        ctx.res,
        status,
        toTable(info, [shown], String(this.state.store.resourceVersion)),
      );
      return;
    }
    sendJson(ctx.res, status, shown);
  }

  private matchers(q: URLSearchParams): Matcher {
    const label = parseLabelSelector(q.get('labelSelector'));
    const field = parseFieldSelector(q.get('fieldSelector'));
    return o => label(o) && field(o);
  }

  private list(
    ctx: RequestContext,
    info: KindInfo,
    version: string,
    ns: string | undefined,
  ) {
    const q = ctx.query;
    const rvParam = q.get('resourceVersion');
    const store = this.state.store;
    if (rvParam && rvParam !== '0') {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv))
        throw badRequest(`invalid resource version "${rvParam}"`);
      if (
        q.get('resourceVersionMatch') === 'Exact' &&
        rv < store.oldestWatchableVersion
      ) {
        throw statusError(
          410,
          `too old resource version: ${rv} (${store.oldestWatchableVersion})`,
          'Expired',
        );
      }
      if (rv > store.resourceVersion) {
        throw statusError(
          504,
          `Timeout: Too large resource version: ${rv}, current: ${store.resourceVersion}`,
          'Timeout',
          { retryAfterSeconds: 1 } as never,
        );
      }
    }
    const match = this.matchers(q);
    let items = store.list(info, ns).filter(match);
    const listMeta: TableListMeta = {
      resourceVersion: String(store.resourceVersion),
    };
    const cont = q.get('continue');
    if (cont) {
      let after: { k: string; rv: number };
      try {
        after = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8'));
      } catch {
        throw badRequest('continue key is not valid');
      }
      if (after.rv < store.oldestWatchableVersion) {
        throw statusError(
          410,
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.',
          'Expired',
        );
      }
      items = items.filter(
        o => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after.k,
      );
      listMeta.resourceVersion = String(after.rv);
    }
    const limit = Number(q.get('limit') ?? 0);
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1];
      listMeta.continue = Buffer.from(
        JSON.stringify({
          k: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
          rv: Number(listMeta.resourceVersion),
        }),
      ).toString('base64url');
      listMeta.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    const apiVersion = apiVersionOf(info.group, version);
    if (wantsTable(ctx.req.headers.accept)) {
      sendJson(ctx.res, 200, toTable(info, items, listMeta));
      return;
    }
    sendJson(ctx.res, 200, {
      kind: `${info.kind}List`,
      apiVersion,
      metadata: listMeta,
      items: items.map(o => {
        if (info.crd) return this.present(info, version, o);
        // Built-in lists carry their items without kind and apiVersion.
        const {
          kind: _k,
          apiVersion: _a,
          ...rest
        } = this.present(info, version, o);
        return rest;
      }),
    });
  }

  private deleteCollection(
    ctx: RequestContext,
    info: KindInfo,
    version: string,
    ns: string | undefined,
  ) {
    const match = this.matchers(ctx.query);
    const doomed = this.state.store.list(info, ns).filter(match);
    const gone = doomed.map(o =>
      this.state.delete(info, o.metadata.namespace ?? '', o.metadata.name!),
    );
    sendJson(ctx.res, 200, {
      kind: `${info.kind}List`,
      apiVersion: apiVersionOf(info.group, version),
      metadata: { resourceVersion: String(this.state.store.resourceVersion) },
      items: gone.map(o => this.present(info, version, o)),
    });
  }

  private derived(
    ctx: RequestContext,
    info: KindInfo,
    version: string,
    ns: string | undefined,
    name: string | undefined,
  ) {
    const podInfo = this.state.kind('v1', 'Pod');
    const match = this.matchers(ctx.query);
    const pods =
      name !== undefined
        ? [this.state.get(podInfo, ns ?? '', name)]
        : this.state.store.list(podInfo, ns).filter(match);
    const metrics = pods
      .map(p => podMetricsFor(p))
      .filter((m): m is KubeObject => !!m);
    if (name !== undefined) {
      if (!metrics[0])
        throw statusError(
          404,
          `podmetrics.metrics.k8s.io "${name}" not found`,
          'NotFound',
        );
      sendJson(ctx.res, 200, metrics[0]);
      return;
    }
    sendJson(ctx.res, 200, {
      kind: 'PodMetricsList',
      apiVersion: apiVersionOf(info.group, version),
      metadata: {},
      items: metrics,
    });
  }

  private watch(
    ctx: RequestContext,
    info: KindInfo,
    version: string,
    ns: string | undefined,
  ) {
    const { res, query: q } = ctx;
    const store = this.state.store;
    const match = this.matchers(q);
    const kk = kindKey(info);
    const table = wantsTable(ctx.req.headers.accept);
    const rvParam = q.get('resourceVersion');

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    if (ctx.dropWatch) {
      const t = setTimeout(() => res.destroy(), 20);
      t.unref();
      return;
    }
    if (ctx.silentWatch) {
      // Open until the client gives up (or the sandbox resets or stops): nothing is ever written.
      this.watches.add(res);
      res.on('close', () => this.watches.delete(res));
      return;
    }

    const write = (type: string, object: unknown) => {
      if (!res.writableEnded && !res.destroyed)
        res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const emit = (type: string, obj: KubeObject) => {
      const shown = this.present(info, version, obj);
      write(
        type,
        table
          ? toTable(info, [shown], shown.metadata.resourceVersion ?? '', true)
          : shown,
      );
    };
    const deliver = (ev: StoreEvent) => {
      if (ev.kind !== kk) return;
      if (ns !== undefined && (ev.object.metadata.namespace ?? '') !== ns)
        return;
      const now = match(ev.object);
      if (ev.type === 'MODIFIED') {
        const before = ev.old ? match(ev.old) : true;
        if (now && before) emit('MODIFIED', ev.object);
        else if (now) emit('ADDED', ev.object);
        else if (before) emit('DELETED', ev.object);
        return;
      }
      if (now) emit(ev.type, ev.object);
    };

    if (!rvParam || rvParam === '0') {
      for (const o of store.list(info, ns)) if (match(o)) emit('ADDED', o);
    } else {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv)) {
        write(
          'ERROR',
          failureStatus(
            400,
            `invalid resource version "${rvParam}"`,
            'BadRequest',
          ),
        );
        res.end();
        return;
      }
      const events = store.eventsSince(rv, kk);
      if (!events) {
        write(
          'ERROR',
          failureStatus(
            410,
            `too old resource version: ${rv} (${store.oldestWatchableVersion})`,
            'Expired',
          ),
        );
        res.end();
        return;
      }
      events.forEach(deliver);
    }

    const unsubscribe = store.subscribe(deliver);
    this.watches.add(res);
    const timers: NodeJS.Timeout[] = [];
    if (
      q.get('allowWatchBookmarks') === 'true' ||
      q.get('allowWatchBookmarks') === '1'
    ) {
      const t = setInterval(() => {
        write('BOOKMARK', {
          kind: info.kind,
          apiVersion: apiVersionOf(info.group, version),
          metadata: { resourceVersion: String(store.resourceVersion) },
        });
      }, this.timings.bookmarkIntervalMs);
      t.unref();
      timers.push(t);
    }
    const requested = Number(q.get('timeoutSeconds') ?? 0);
    const timeoutSeconds =
      requested > 0
        ? Math.min(requested, this.timings.watchTimeoutSeconds)
        : this.timings.watchTimeoutSeconds;
    const end = setTimeout(() => res.end(), timeoutSeconds * 1000);
    end.unref();
    timers.push(end);
    res.on('close', () => {
      unsubscribe();
      timers.forEach(t => clearTimeout(t));
      this.watches.delete(res);
    });
  }
}

/** The real server's default field manager: the user agent up to the first '/'. */
function managerFromAgent(ctx: RequestContext): string {
  return String(ctx.req.headers['user-agent'] ?? '').split('/')[0] || 'unknown';
}

function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === '1' || w === 'true';
}

/** An API group as discovery describes it, in APIGroupList and APIGroup alike. */
function apiGroup(g: { name: string; versions: string[] }) {
  return {
    name: g.name,
    versions: g.versions.map(v => ({
      groupVersion: `${g.name}/${v}`,
      version: v,
    })),
    preferredVersion: {
      groupVersion: `${g.name}/${g.versions[0]}`,
      version: g.versions[0],
    },
  };
}
