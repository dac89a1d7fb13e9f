import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  GROUNDCREW_ANNOTATIONS,
  nextTrafficStep,
  parseTrafficSteps,
  TRAFFIC_ANNOTATIONS,
  TrafficChangeRecord,
  trafficChangeRequestSchema,
  TrafficChangeResult,
  TrafficClusterOutcome,
  TrafficRoute,
  trafficUpdatePermission,
  TrafficView,
} from '@groundcrew/plugin-infra-common';
import {
  CACHE_KINDS,
  entitySelector,
  GcpService,
  KubernetesCacheService,
  ROUTE_KINDS,
} from '@groundcrew/plugin-infra-node';
import type { CacheChange } from '@groundcrew/plugin-infra-node';
import { CLOUD_RUN_CLUSTER_PREFIX, CloudRunWriter } from './CloudRunWriter';
import { normaliseCloudRun, normaliseRoutes, ResolvedRoute } from './normalise';
import { RouteWriter } from './RouteWriter';
import { TrafficHistory } from './TrafficHistory';

const CLOUD_RUN_TTL_MS = 15_000;

/** The start of the Cloud Run read cache's keys of one service (the entity's steps follow). */
function cloudRunKeyPrefix(projectId: string, name: string) {
  return `${projectId}/${name}/`;
}

/** A view without the parts that only the caller decides (permission). */
interface EntityRoutes {
  entity: Entity;
  routes: ResolvedRoute[];
  cloudRun: TrafficRoute[];
  clusters: TrafficView['clusters'];
}

function errorBody(error: unknown): TrafficClusterOutcome['error'] {
  const e = isError(error) ? error : new Error(String(error));
  const statusCode =
    {
      InputError: 400,
      NotAllowedError: 403,
      NotFoundError: 404,
      ConflictError: 409,
      ServiceUnavailableError: 503,
    }[e.name] ?? 500;
  return { name: e.name, message: e.message, statusCode };
}

/** The first problem of a request, as an InputError that names the field. */
function parseRequest(body: unknown) {
  const parsed = trafficChangeRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'body';
    throw new InputError(`${field}: ${issue.message}`);
  }
  const request = parsed.data;
  if ((request.canaryPercent === undefined) === (request.step === undefined)) {
    throw new InputError(
      'canaryPercent: give either canaryPercent (0–100) or step (next | rollback), not both or neither',
    );
  }
  return request;
}

/**
 * Traffic of catalog entities: their routes from the watch-fed cache (and Cloud Run), changes by
 * server-side apply behind the `groundcrew.traffic.update` permission, one audit event per change
 * and a history in the database.
 */
export class TrafficService {
  private revision = 1;
  private readonly cloudRunWriter?: CloudRunWriter;
  /** Streams to refresh after a Cloud Run change made here (Cloud Run has no watch). */
  private readonly cloudRunChanged = new Set<(entityRef: string) => void>();
  private readonly cloudRunCache = new Map<
    string,
    {
      expires: number;
      result: Promise<{
        routes: TrafficRoute[];
        problem?: TrafficView['clusters'][number];
      }>;
    }
  >();

  static create(options: {
    cache: KubernetesCacheService;
    catalog: CatalogService;
    permissions: PermissionsService;
    auditor: AuditorService;
    history: TrafficHistory;
    writer: RouteWriter;
    logger: LoggerService;
    gcp?: GcpService;
  }) {
    return new TrafficService(options);
  }

  private constructor(
    private readonly options: {
      cache: KubernetesCacheService;
      catalog: CatalogService;
      permissions: PermissionsService;
      auditor: AuditorService;
      history: TrafficHistory;
      writer: RouteWriter;
      logger: LoggerService;
      gcp?: GcpService;
    },
  ) {
    options.cache.watch(CACHE_KINDS.routes);
    options.cache.subscribe(change => {
      if (change.type === 'resync' || ROUTE_KINDS.includes(change.kind)) {
        this.revision++;
      }
    });
    if (options.gcp) this.cloudRunWriter = new CloudRunWriter(options.gcp);
  }

  private async entity(entityRef: string, credentials: BackstageCredentials) {
    // The catalog answers only what the caller may read: an unreadable entity is a missing one.
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    return entity;
  }

  private async routesOf(entity: Entity): Promise<EntityRoutes> {
    const { cache } = this.options;
    const { selector, match } = entitySelector(entity);
    const annotations = entity.metadata.annotations ?? {};
    const entitySteps = parseTrafficSteps(
      annotations[TRAFFIC_ANNOTATIONS.rolloutSteps],
    );
    await cache.waitForSync(10_000);
    const clusters = cache
      .clusters()
      .filter(c => !selector.clusters || selector.clusters.includes(c.name));
    const routes = clusters.flatMap(c =>
      normaliseRoutes(
        c.name,
        cache
          .routes(c.name)
          .filter(
            r =>
              (!selector.namespace || r.namespace === selector.namespace) &&
              match.matches(r.labels),
          ),
        entitySteps,
      ),
    );
    routes.sort(
      (a, b) =>
        a.route.localeCompare(b.route) || a.cluster.localeCompare(b.cluster),
    );
    const states: TrafficView['clusters'] = clusters.map(c => ({
      name: c.name,
      state: c.state,
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastSeen ? { lastSeen: c.lastSeen } : {}),
    }));
    const cloudRun = await this.cloudRun(entity, entitySteps, states);
    return { entity, routes, cloudRun, clusters: states };
  }

  /**
   * A Runway service on Cloud Run: its traffic in each configured region where it exists. Cloud Run
   * has no watch, so answers are kept for a short while (per process: only a cost saving) instead
   * of asking every region on every page load and stream refresh.
   */
  private async cloudRun(
    entity: Entity,
    entitySteps: number[] | undefined,
    states: TrafficView['clusters'],
  ): Promise<TrafficRoute[]> {
    const { gcp } = this.options;
    const annotations = entity.metadata.annotations ?? {};
    const projectId = annotations[GROUNDCREW_ANNOTATIONS.gcpProject];
    const name = annotations[GROUNDCREW_ANNOTATIONS.runwayService];
    if (!gcp || !projectId || !name) return [];
    const key = `${cloudRunKeyPrefix(projectId, name)}${
      entitySteps?.join(',') ?? ''
    }`;
    let entry = this.cloudRunCache.get(key);
    if (!entry || entry.expires < Date.now()) {
      entry = {
        expires: Date.now() + CLOUD_RUN_TTL_MS,
        result: this.readCloudRun(gcp, projectId, name, entitySteps),
      };
      this.cloudRunCache.set(key, entry);
      if (this.cloudRunCache.size > 1000) {
        this.cloudRunCache.delete(this.cloudRunCache.keys().next().value!);
      }
    }
    const { routes, problem } = await entry.result;
    if (problem) states.push(problem);
    return routes;
  }

  /** After a change made here, the next read asks Cloud Run again. */
  private forgetCloudRun(entity: Entity) {
    const annotations = entity.metadata.annotations ?? {};
    const prefix = cloudRunKeyPrefix(
      annotations[GROUNDCREW_ANNOTATIONS.gcpProject],
      annotations[GROUNDCREW_ANNOTATIONS.runwayService],
    );
    for (const key of this.cloudRunCache.keys()) {
      if (key.startsWith(prefix)) this.cloudRunCache.delete(key);
    }
  }

  private async readCloudRun(
    gcp: GcpService,
    projectId: string,
    name: string,
    entitySteps: number[] | undefined,
  ): Promise<{
    routes: TrafficRoute[];
    problem?: TrafficView['clusters'][number];
  }> {
    const failures: string[] = [];
    const found = await Promise.all(
      gcp.regions().map(async location => {
        try {
          const service = await gcp.getRunService({
            projectId,
            location,
            name,
          });
          return service ? normaliseCloudRun(service, entitySteps) : undefined;
        } catch (error) {
          // A project the portal cannot see (or that does not exist) has no service for it.
          const e = errorBody(error);
          if (e && (e.statusCode === 403 || e.statusCode === 404))
            return undefined;
          failures.push(`${location}: ${e?.message}`);
          return undefined;
        }
      }),
    );
    return {
      routes: found.filter((r): r is TrafficRoute => !!r),
      problem: failures.length
        ? {
            name: 'cloud-run',
            state: 'unreachable',
            message: failures.slice(0, 3).join('; '),
          }
        : undefined,
    };
  }

  private async canUpdate(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: trafficUpdatePermission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  private toView(
    entityRef: string,
    found: EntityRoutes,
    canUpdate: boolean,
  ): TrafficView {
    return {
      entityRef,
      routes: [
        ...found.routes.map(({ target: _target, ...route }) => route),
        ...found.cloudRun,
      ],
      clusters: found.clusters,
      canUpdate,
      revision: this.revision,
    };
  }

  async getView(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<TrafficView> {
    const entity = await this.entity(entityRef, credentials);
    const [found, canUpdate] = await Promise.all([
      this.routesOf(entity),
      this.canUpdate(entityRef, credentials),
    ]);
    return this.toView(entityRef, found, canUpdate);
  }

  /**
   * Views as the entity's routes change: `listener` gets a new view after every change (debounced),
   * until the returned function is called. The permission is decided once, when the stream opens.
   */
  async subscribe(
    entityRef: string,
    credentials: BackstageCredentials,
    listener: (view: TrafficView) => void,
    options: { debounceMs: number },
  ): Promise<{ current: TrafficView; unsubscribe: () => void }> {
    const entity = await this.entity(entityRef, credentials);
    const canUpdate = await this.canUpdate(entityRef, credentials);
    const { selector, match } = entitySelector(entity);
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let last = '';
    const current = this.toView(
      entityRef,
      await this.routesOf(entity),
      canUpdate,
    );
    last = JSON.stringify({ ...current, revision: 0 });
    const refresh = () => {
      timer = undefined;
      this.routesOf(entity)
        .then(found => {
          if (closed) return;
          const view = this.toView(entityRef, found, canUpdate);
          const signature = JSON.stringify({ ...view, revision: 0 });
          if (signature === last) return;
          last = signature;
          listener(view);
        })
        .catch(error =>
          this.options.logger.warn(
            `Cannot refresh the traffic of ${entityRef}: ${error}`,
          ),
        );
    };
    const relevant = (change: CacheChange) => {
      if (selector.clusters && !selector.clusters.includes(change.cluster))
        return false;
      if (change.type === 'resync' || !change.object) return true;
      if (!ROUTE_KINDS.includes(change.kind)) return false;
      const o = change.object;
      return (
        (!selector.namespace || o.namespace === selector.namespace) &&
        match.matches(o.labels)
      );
    };
    const unsubscribeCache = this.options.cache.subscribe(change => {
      if (closed || timer || !relevant(change)) return;
      timer = setTimeout(refresh, options.debounceMs);
    });
    const onCloudRunChange = (changed: string) => {
      if (closed || timer || changed !== entityRef) return;
      timer = setTimeout(refresh, options.debounceMs);
    };
    this.cloudRunChanged.add(onCloudRunChange);
    return {
      current,
      unsubscribe: () => {
        closed = true;
        clearTimeout(timer);
        unsubscribeCache();
        this.cloudRunChanged.delete(onCloudRunChange);
      },
    };
  }

  async getHistory(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<TrafficChangeRecord[]> {
    await this.entity(entityRef, credentials);
    return this.options.history.list(entityRef);
  }

  /**
   * Changes the canary share of one route in one or more clusters. Everything about the request is
   * checked before anything is written; then each cluster is changed on its own and the result
   * says which changed and which did not.
   */
  async change(
    entityRef: string,
    body: unknown,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<TrafficChangeResult> {
    const request = parseRequest(body);
    const entity = await this.entity(entityRef, credentials);
    if (!(await this.canUpdate(entityRef, credentials))) {
      throw new NotAllowedError(
        `You may not change the traffic of ${entityRef}: only its owners and the platform team may`,
      );
    }
    const clusters = Array.isArray(request.cluster)
      ? [...new Set(request.cluster)]
      : [request.cluster];
    if (clusters.length > 1 && request.resourceVersion) {
      throw new InputError(
        'resourceVersion: a resourceVersion belongs to one cluster; leave it out for a change across clusters',
      );
    }
    const onCloudRun = request.route.startsWith('CloudRunService/');
    const found = await this.routesOf(entity);
    // Cloud Run regions take the place of clusters: `cloud-run/us-east1`.
    const known = new Set(
      onCloudRun
        ? (this.options.gcp?.regions() ?? []).map(
            r => `${CLOUD_RUN_CLUSTER_PREFIX}${r}`,
          )
        : this.options.cache.clusters().map(c => c.name),
    );
    const targets = clusters.map(cluster => {
      if (!known.has(cluster)) {
        throw new InputError(
          onCloudRun
            ? `cluster: no Cloud Run region named ${cluster} (expected ${CLOUD_RUN_CLUSTER_PREFIX}<region> of a configured region)`
            : `cluster: no cluster named ${cluster}`,
        );
      }
      const route = (onCloudRun ? found.cloudRun : found.routes).find(
        r => r.route === request.route && r.cluster === cluster,
      );
      if (!route) {
        throw new InputError(
          `route: ${request.route} is not a route of ${entityRef} in cluster ${cluster}`,
        );
      }
      if (request.backend) {
        const backend = route.rules
          .flatMap(r => r.backends)
          .find(b => b.name === request.backend);
        if (!backend) {
          throw new InputError(
            `backend: ${request.backend} is not a backend of ${request.route} in cluster ${cluster}`,
          );
        }
        if (!backend.canary) {
          throw new InputError(
            `backend: ${request.backend} is not the canary of ${request.route}; its share follows from the canary's`,
          );
        }
      }
      if (route.readOnlyReason) {
        throw new InputError(
          `route: ${request.route} in cluster ${cluster} cannot be changed: ${route.readOnlyReason}`,
        );
      }
      return route;
    });

    const action = request.step ?? 'set';
    const target = (current: number, route: TrafficRoute): number => {
      if (request.step === 'rollback') return 0;
      if (request.step === 'next') {
        const next = nextTrafficStep(route.steps, current);
        if (next === null) {
          throw new InputError(
            `step: the canary already takes ${current}% of ${route.route} in cluster ${route.cluster}; there is no next step`,
          );
        }
        return next;
      }
      return request.canaryPercent!;
    };

    const audit = await this.options.auditor.createEvent({
      eventId: 'traffic-change',
      severityLevel: 'medium',
      meta: {
        actor,
        entityRef,
        route: request.route,
        clusters,
        action,
        ...(request.canaryPercent !== undefined
          ? { canaryPercent: request.canaryPercent }
          : {}),
        reason: request.reason,
        before: Object.fromEntries(
          targets.map(t => [t.cluster, t.canaryPercent]),
        ),
      },
    });

    const outcomes: TrafficClusterOutcome[] = [];
    let firstError: unknown;
    for (const route of targets) {
      try {
        const change = {
          cluster: route.cluster,
          expectedVersion:
            clusters.length === 1 && request.resourceVersion
              ? request.resourceVersion
              : route.resourceVersion,
          target,
          entitySteps: parseTrafficSteps(
            entity.metadata.annotations?.[TRAFFIC_ANNOTATIONS.rolloutSteps],
          ),
        };
        const result = onCloudRun
          ? await this.cloudRunWriter!.change({ ...change, seen: route })
          : await this.options.writer.change({
              ...change,
              seen: route as ResolvedRoute,
            });
        if (result.after === result.before) {
          outcomes.push({
            cluster: route.cluster,
            status: 'unchanged',
            before: result.before,
            after: result.after,
          });
          continue;
        }
        await this.options.history.add({
          entityRef,
          actor,
          route: request.route,
          cluster: route.cluster,
          before: result.before,
          after: result.after,
          action,
          reason: request.reason,
        });
        outcomes.push({
          cluster: route.cluster,
          status: 'changed',
          before: result.before,
          after: result.after,
        });
      } catch (error) {
        firstError ??= error;
        outcomes.push({
          cluster: route.cluster,
          status: 'failed',
          before: route.canaryPercent ?? undefined,
          error: errorBody(error),
        });
      }
    }
    if (onCloudRun && outcomes.some(o => o.status === 'changed')) {
      this.forgetCloudRun(entity);
      this.revision++;
      for (const listener of this.cloudRunChanged) listener(entityRef);
    }
    // Plain JSON for the audit log.
    const auditedOutcomes = JSON.parse(JSON.stringify(outcomes));
    if (firstError && clusters.length === 1) {
      // Nothing was written: the caller gets the error itself (409, 503, 400).
      await audit.fail({
        error: firstError as Error,
        meta: { outcomes: auditedOutcomes },
      });
      throw firstError;
    }
    await audit.success({ meta: { outcomes: auditedOutcomes } });
    return { route: request.route, outcomes };
  }
}
