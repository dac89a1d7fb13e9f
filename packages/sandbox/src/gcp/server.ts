import fs from 'node:fs';
import path from 'node:path';
import { HttpError, parseJson, sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import { ImitationServer } from '../framework/server';
import type { TlsMaterial } from '../framework/tls';
import { authenticate, callOf, GcpApi, GcpClusterHost, GcpRoute } from './api';
import { assetRoutes } from './asset';
import { billingRoutes } from './billing';
import {
  containerRoutes,
  endpointOf,
  kubernetesLabels,
  registerContainerOperations,
} from './container';
import { errorBodyForFault } from './errors';
import { hierarchyRoutes } from './hierarchy';
import { iamRoutes } from './iam';
import {
  GcpTimings,
  isOperationKind,
  OperationDirective,
  OperationRunner,
} from './operations';
import { projectRoutes, registerProjectOperations } from './projects';
import { registerRunOperations, runRoutes } from './run';
import {
  registerServiceUsageOperations,
  serviceUsageRoutes,
} from './serviceUsage';
import { GcpStore } from './store';
import type { GcpFixture, GcpState } from './types';

export interface GcpServerOptions {
  tls: TlsMaterial;
  /** Port of the API listener; chosen at run time when absent. */
  port?: number;
  /** Port of the control-only listener; chosen at run time when absent. */
  controlPort?: number;
  /** Durations of the long-running operations (small in tests). */
  timings?: Partial<GcpTimings>;
  /** What the server starts with and `reset` returns to (principals included). */
  fixture?: GcpFixture;
  /** Starts and stops the Kubernetes imitations of created clusters; without it clusters get no endpoint. */
  clusterHost?: GcpClusterHost;
  /**
   * Persists the state here on every change and starts from it when it
   * exists (principals always come from the fixture).
   */
  stateFile?: string;
}

/**
 * `<stateDir>/gcp.json`. Version 2 added Cloud Run (`runServices`,
 * `runRevisions`); a version 1 file is read with the fixture's Cloud Run
 * records.
 */
interface PersistedState {
  version: 1 | 2;
  state: GcpState;
}

const STATE_VERSION = 2;

/**
 * The GCP imitation: Resource Manager v3, Cloud Billing v1, Service Usage v1,
 * Container v1, Cloud Run Admin v2 and Cloud Asset Inventory v1
 * (`searchAllResources`) on one HTTPS server, for Google's Node clients in
 * REST mode (`fallback: true`). One store; long-running operations on timers; a
 * created GKE cluster becomes a live Kubernetes imitation.
 */
export class GcpServer {
  readonly http: ImitationServer;
  readonly store = new GcpStore();
  readonly operations: OperationRunner;
  private readonly api: GcpApi;
  /** Kubernetes imitations this server started (and may stop on reset). */
  private readonly owned = new Set<string>();
  private saveTimer: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: GcpServerOptions) {
    this.operations = new OperationRunner(this.store, options.timings);
    this.http = new ImitationServer({
      name: 'gcp',
      tls: options.tls,
      port: options.port,
      controlPort: options.controlPort,
      errorBody: errorBodyForFault,
      onReset: () => this.reset(),
      onFixture: body => this.onFixture(body),
    });
    const host = options.clusterHost;
    this.api = {
      store: this.store,
      operations: this.operations,
      tls: options.tls,
      clusterHost: host && {
        lookup: name => host.lookup(name),
        start: async spec => {
          const live = await host.start(spec);
          this.owned.add(spec.name);
          return live;
        },
        stop: async name => {
          this.owned.delete(name);
          await host.stop(name);
        },
      },
    };
    registerProjectOperations(this.api);
    registerServiceUsageOperations(this.api);
    registerContainerOperations(this.api);
    registerRunOperations(this.api);
    this.installRoutes([
      // Custom methods (`{project}:verb`) before the plain `{project}` routes.
      ...iamRoutes(this.api),
      ...projectRoutes(this.api),
      ...hierarchyRoutes(this.api),
      ...billingRoutes(this.api),
      ...serviceUsageRoutes(this.api),
      ...containerRoutes(this.api),
      ...runRoutes(this.api),
      ...assetRoutes(this.api),
    ]);
    this.installControlRoutes();
  }

  get url(): string {
    return this.http.url;
  }
  get controlUrl(): string {
    return this.http.controlUrl;
  }
  get port(): number {
    return this.http.port;
  }

  async start(): Promise<void> {
    this.store.setFixture(this.options.fixture ?? {});
    const persisted = this.readStateFile();
    if (persisted) {
      const principals = this.store.state.principals;
      this.store.restore(persisted);
      // Tokens are configuration (they may change between runs), not state.
      this.store.state.principals = principals;
    }
    await this.reconcileClusters();
    this.operations.resume();
    if (this.options.stateFile) {
      this.unsubscribe = this.store.onChange(() => this.scheduleSave());
      this.saveNow();
    }
    await this.http.start();
  }

  async stop(): Promise<void> {
    this.operations.stop();
    this.unsubscribe?.();
    if (this.saveTimer) {
      clearImmediate(this.saveTimer);
      this.saveTimer = undefined;
      this.saveNow();
    }
    await this.http.stop();
  }

  /** Back to the fixture: operations are forgotten, created clusters' Kubernetes imitations stop. */
  async reset(): Promise<void> {
    this.operations.clear();
    this.store.reset();
    await this.reconcileClusters();
  }

  /** Adds the fixture's records to the state, or (with `replace`) makes it the fixture and resets. */
  async loadFixture(fixture: GcpFixture, opts: { replace?: boolean } = {}) {
    if (opts.replace) {
      this.options.fixture = fixture;
      this.operations.clear();
      this.store.setFixture(fixture);
    } else {
      this.store.merge(fixture);
    }
    await this.reconcileClusters();
  }

  private async onFixture(body: unknown) {
    const b = (body ?? {}) as {
      fixture?: GcpFixture;
      objects?: GcpFixture[];
      replace?: boolean;
    };
    const parts = b.fixture ? [b.fixture] : b.objects;
    if (!Array.isArray(parts)) {
      throw new HttpError(400, {
        message: 'expected {fixture: {...}, replace?: boolean}',
      });
    }
    const merged: GcpFixture = {};
    for (const part of parts) {
      for (const [k, v] of Object.entries(part ?? {})) {
        const key = k as keyof GcpFixture;
        (merged[key] as unknown[]) = [
          ...((merged[key] as unknown[] | undefined) ?? []),
          ...(v as unknown[]),
        ];
      }
    }
    await this.loadFixture(merged, { replace: b.replace });
    return { ok: true };
  }

  /**
   * Makes the Kubernetes imitations match the clusters: every cluster that
   * runs (or is being deleted) has one (its former port when free), and the
   * ones this server started for clusters that are gone are stopped.
   */
  private async reconcileClusters() {
    const host = this.api.clusterHost;
    if (!host) return;
    const wanted = new Set<string>();
    for (const c of this.store.state.clusters) {
      if (c.status === 'PROVISIONING' || c.status === 'ERROR') continue;
      const name = c.kubernetesName || c.name;
      wanted.add(name);
      const live =
        host.lookup(name) ??
        (await host.start({
          name,
          labels: kubernetesLabels(c),
          port: c.endpoint ? Number(c.endpoint.split(':')[1]) : undefined,
        }));
      c.kubernetesName = name;
      c.endpoint = endpointOf(live.url);
    }
    for (const name of [...this.owned]) {
      if (!wanted.has(name)) await host.stop(name);
    }
    this.store.changed();
  }

  private installRoutes(routes: GcpRoute[]) {
    for (const r of routes) {
      this.http.addRoute(
        r.method,
        r.pattern,
        async (ctx: RequestContext) => {
          const principal = authenticate(ctx, this.store);
          await r.handler(callOf(ctx, principal));
        },
        { mutation: r.mutation },
      );
    }
  }

  private installControlRoutes() {
    const ok = (ctx: RequestContext, body: unknown = { ok: true }) =>
      sendJson(ctx.res, 200, body);
    const bodyOf = async (ctx: RequestContext) =>
      (parseJson(await ctx.body()) ?? {}) as Record<string, unknown>;
    const direct = (mode: 'fail' | 'hang') => async (ctx: RequestContext) => {
      const b = await bodyOf(ctx);
      try {
        this.operations.direct({ ...b, mode } as OperationDirective);
      } catch (e) {
        throw new HttpError(400, { message: (e as Error).message });
      }
      ok(ctx, { directives: this.operations.pendingDirectives() });
    };
    this.http.addControlRoute(
      'POST',
      '/_sandbox/gcp/operations/fail',
      direct('fail'),
    );
    this.http.addControlRoute(
      'POST',
      '/_sandbox/gcp/operations/hang',
      direct('hang'),
    );
    this.http.addControlRoute(
      'POST',
      '/_sandbox/gcp/operations/release',
      async ctx => {
        const { kind } = await bodyOf(ctx);
        if (kind !== undefined && !isOperationKind(kind)) {
          throw new HttpError(400, { message: `unknown kind ${String(kind)}` });
        }
        ok(ctx, { released: await this.operations.release(kind) });
      },
    );
    this.http.addControlRoute('GET', '/_sandbox/gcp/timings', ctx =>
      ok(ctx, this.operations.timings),
    );
    this.http.addControlRoute('POST', '/_sandbox/gcp/timings', async ctx => {
      try {
        this.operations.setTimings((await bodyOf(ctx)) as Partial<GcpTimings>);
      } catch (e) {
        throw new HttpError(400, { message: (e as Error).message });
      }
      ok(ctx, this.operations.timings);
    });
    this.http.addControlRoute('GET', '/_sandbox/gcp/state', ctx =>
      ok(ctx, {
        ...this.store.snapshot(),
        directives: this.operations.pendingDirectives(),
      }),
    );
  }

  private readStateFile(): GcpState | undefined {
    const file = this.options.stateFile;
    if (!file || !fs.existsSync(file)) return undefined;
    try {
      const parsed = JSON.parse(
        fs.readFileSync(file, 'utf8'),
      ) as PersistedState;
      if (parsed.version === STATE_VERSION) return parsed.state;
      if (parsed.version === 1) {
        const fixture = this.store.snapshot();
        return {
          ...parsed.state,
          runServices: fixture.runServices,
          runRevisions: fixture.runRevisions,
        };
      }
      throw new Error(`unknown version ${parsed.version}`);
    } catch (e) {
      // A damaged file is not fatal: the sandbox starts from the fixture, and says it lost state.
      process.stderr.write(
        `[sandbox gcp] ignoring ${file} (${
          (e as Error).message
        }); starting from the demo state\n`,
      );
      return undefined;
    }
  }

  private scheduleSave() {
    if (this.saveTimer) return;
    this.saveTimer = setImmediate(() => {
      this.saveTimer = undefined;
      this.saveNow();
    });
  }

  private saveNow() {
    const file = this.options.stateFile;
    if (!file) return;
    const body: PersistedState = {
      version: STATE_VERSION,
      state: this.store.snapshot(),
    };
    // Principals hold tokens; they come from the fixture on every start anyway.
    body.state.principals = [];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, {
      mode: 0o600,
    });
    fs.renameSync(tmp, file);
  }
}
