// @kubernetes/client-node's modules, not its entry point: that loads every generated API group
// (docs/content/performance.md, "The Kubernetes client's entry point").
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import { KubernetesObjectApi } from '@kubernetes/client-node/dist/object.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import type { KubernetesObject } from '@kubernetes/client-node/dist/types.js';
import {
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  KubernetesFleetService,
  trimHttpRoute,
  trimIngress,
  trimVirtualService,
  WatchedObject,
} from '@groundcrew/plugin-infra-node';
import type { CachedRoute } from '@groundcrew/plugin-infra-node';
import {
  NGINX_CANARY_ANNOTATIONS,
  TrafficRoute,
} from '@groundcrew/plugin-infra-common';
import { normaliseRoutes, ResolvedRoute, reweigh } from './normalise';

/** The field manager of every weight the traffic plugin writes. */
export const FIELD_MANAGER = 'groundcrew-traffic';

type Raw = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: Record<string, unknown>;
};

/** The apiserver's Status message, from an ApiException's body (a string or the parsed Status). */
function statusMessage(e: ApiException<unknown>): string {
  let body: unknown = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return String(e.body).trim() || e.message;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : e.message;
}

/** How the canary's share moved between two versions of a route, for a 409's message. */
export function describeDrift(seen: TrafficRoute, now: TrafficRoute) {
  const parts: string[] = [];
  const seenBackends = new Map(
    seen.rules.flatMap(r => r.backends).map(b => [b.name, b.percent]),
  );
  for (const b of now.rules.flatMap(r => r.backends)) {
    const before = seenBackends.get(b.name);
    if (before === undefined) parts.push(`${b.name} added at ${b.percent}%`);
    else if (before !== b.percent)
      parts.push(`${b.name} ${before}% → ${b.percent}%`);
    seenBackends.delete(b.name);
  }
  for (const name of seenBackends.keys()) parts.push(`${name} removed`);
  return parts.length ? parts.join(', ') : 'no weight changed';
}

/** `a-stable 60%, a-canary 40%`. */
export function describeWeights(route: TrafficRoute) {
  return route.rules
    .flatMap(r => r.backends)
    .map(b => `${b.name} ${b.percent}%`)
    .join(', ');
}

/** The 409 for a route read at `expectedVersion` that is at `now.resourceVersion` now. */
export function staleRouteError(
  cluster: string,
  seen: TrafficRoute,
  expectedVersion: string,
  now: TrafficRoute,
  versionName: 'resourceVersion' | 'etag',
) {
  // What changed: against the version the caller saw when this replica still has it, else the
  // weights as they are now.
  const drift =
    seen.resourceVersion === expectedVersion
      ? describeDrift(seen, now)
      : `it is now ${describeWeights(now)}`;
  return new ConflictError(
    `cluster ${cluster}: ${seen.route} changed since it was read (${versionName} ${expectedVersion} → ${now.resourceVersion}): ${drift}. Nothing was written; look again and retry.`,
  );
}

/** The 409 for a route changed between our read and our write; `now` from a fresh read. */
export function changedWhileWritingError(
  cluster: string,
  seen: TrafficRoute,
  now: TrafficRoute | undefined,
) {
  return new ConflictError(
    `cluster ${cluster}: ${seen.route} changed while it was being written${
      now ? `: ${describeDrift(seen, now)}` : ''
    }. Nothing was written; look again and retry.`,
  );
}

/**
 * Writes weights to one route in one cluster with server-side apply (field manager
 * `groundcrew-traffic`), with the resourceVersion the caller saw as a precondition: a route changed
 * meanwhile is a ConflictError that says what changed, and nothing is written.
 */
export class RouteWriter {
  static create(options: { fleet: KubernetesFleetService }) {
    return new RouteWriter(options.fleet);
  }

  private constructor(private readonly fleet: KubernetesFleetService) {}

  private async api(cluster: string) {
    try {
      return KubernetesObjectApi.makeApiClient(
        await this.fleet.getKubeConfig(cluster),
      );
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        throw new InputError(`cluster: no cluster named ${cluster}`);
      }
      throw error;
    }
  }

  private error(e: unknown, cluster: string, what: string): Error {
    const where = `cluster ${cluster}: could not ${what}`;
    if (e instanceof ApiException) {
      const message = `${where}: ${statusMessage(e)}`;
      switch (e.code) {
        case 404:
          return new NotFoundError(message);
        case 409:
          return new ConflictError(message);
        case 400:
        case 422:
          return new InputError(message);
        case 401:
        case 403:
          return new NotAllowedError(message);
        default:
          return new ServiceUnavailableError(`${message} (HTTP ${e.code})`);
      }
    }
    const cause = e as { message?: string; code?: string };
    return new ServiceUnavailableError(
      `${where}: cluster unreachable (${cause.code ?? cause.message ?? e})`,
    );
  }

  private async read(api: KubernetesObjectApi, cluster: string, o: Raw) {
    try {
      return (await api.read({
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: o.metadata.name, namespace: o.metadata.namespace },
      })) as Raw;
    } catch (e) {
      throw this.error(
        e,
        cluster,
        `read ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
      );
    }
  }

  /** The route as the API server has it now, normalised like the cached one. */
  private async live(
    api: KubernetesObjectApi,
    cluster: string,
    seen: ResolvedRoute,
    entitySteps: number[] | undefined,
  ): Promise<{ raw: Raw; route: ResolvedRoute }> {
    const raw = await this.read(api, cluster, {
      apiVersion: seen.target.apiVersion,
      kind: seen.target.kind,
      metadata: { name: seen.target.name, namespace: seen.target.namespace },
    });
    let trimmed: CachedRoute[];
    if (seen.kind === 'Ingress') {
      // The weight lives on the canary Ingress; the primary gives the stable backend.
      const primary =
        seen.target.name === seen.name
          ? raw
          : await this.read(api, cluster, {
              apiVersion: seen.target.apiVersion,
              kind: 'Ingress',
              metadata: { name: seen.name, namespace: seen.namespace },
            });
      trimmed = [primary, raw]
        .filter((o, i, all) => all.indexOf(o) === i)
        .map(o => trimIngress(o as unknown as WatchedObject));
    } else {
      const trim =
        seen.kind === 'HTTPRoute' ? trimHttpRoute : trimVirtualService;
      trimmed = [trim(raw as unknown as WatchedObject)];
    }
    const route = normaliseRoutes(cluster, trimmed, entitySteps).find(
      r => r.route === seen.route,
    );
    if (!route) {
      throw new ConflictError(
        `cluster ${cluster}: ${seen.route} is no longer a route with a canary`,
      );
    }
    return { raw, route };
  }

  /**
   * Sets the canary's share to `target(current)`. Returns the share before and after; `after`
   * equals `before` when nothing had to be written.
   */
  async change(options: {
    cluster: string;
    seen: ResolvedRoute;
    expectedVersion: string;
    target: (current: number, route: ResolvedRoute) => number;
    entitySteps?: number[];
  }): Promise<{ before: number; after: number; route: ResolvedRoute }> {
    const { cluster, seen, expectedVersion } = options;
    const api = await this.api(cluster);
    const { raw, route } = await this.live(
      api,
      cluster,
      seen,
      options.entitySteps,
    );
    if (route.resourceVersion !== expectedVersion) {
      throw staleRouteError(
        cluster,
        seen,
        expectedVersion,
        route,
        'resourceVersion',
      );
    }
    if (route.readOnlyReason || route.canaryPercent === null) {
      throw new InputError(
        `route: ${seen.route} in cluster ${cluster} cannot be changed: ${route.readOnlyReason}`,
      );
    }
    const before = route.canaryPercent;
    const after = options.target(before, route);
    if (after === before) return { before, after, route };

    const body = this.applyConfiguration(raw, route, after, expectedVersion);
    let applied: Raw;
    try {
      applied = (await api.patch(
        body,
        undefined,
        undefined,
        FIELD_MANAGER,
        // The precondition guards against concurrent edits; the weights are taken over from
        // whichever manager (kubectl, helm-controller) set them before.
        true,
        PatchStrategy.ServerSideApply,
      )) as Raw;
    } catch (e) {
      if (e instanceof ApiException && e.code === 409) {
        // Changed between our read and our write: say how, from a fresh read.
        const now = await this.live(
          api,
          cluster,
          seen,
          options.entitySteps,
        ).catch(() => undefined);
        throw changedWhileWritingError(cluster, seen, now?.route);
      }
      throw this.error(
        e,
        cluster,
        `apply ${seen.target.kind} ${seen.target.namespace}/${seen.target.name}`,
      );
    }
    return {
      before,
      after,
      route: {
        ...route,
        resourceVersion:
          applied.metadata?.resourceVersion ?? route.resourceVersion,
      },
    };
  }

  /** Only the fields that carry weights, with the version read as the precondition. */
  private applyConfiguration(
    raw: Raw,
    route: ResolvedRoute,
    percent: number,
    resourceVersion: string,
  ): Raw {
    const metadata = {
      name: raw.metadata.name,
      namespace: raw.metadata.namespace,
      resourceVersion,
    };
    const base = { apiVersion: raw.apiVersion, kind: raw.kind };
    if (route.kind === 'Ingress') {
      return {
        ...base,
        metadata: {
          ...metadata,
          annotations: {
            [NGINX_CANARY_ANNOTATIONS.canary]: 'true',
            [NGINX_CANARY_ANNOTATIONS.weight]: String(
              Math.round(
                (percent *
                  (Number(
                    (raw.metadata as { annotations?: Record<string, string> })
                      .annotations?.[NGINX_CANARY_ANNOTATIONS.weightTotal],
                  ) || 100)) /
                  100,
              ),
            ),
          },
        },
      } as Raw;
    }
    // Rules (HTTPRoute) and http routes (Istio) are atomic lists: the whole list is applied,
    // as read, with only the weights changed.
    const field = route.kind === 'HTTPRoute' ? 'rules' : 'http';
    const backendsField = route.kind === 'HTTPRoute' ? 'backendRefs' : 'route';
    const rules = (raw.spec?.[field] ?? []) as Array<Record<string, unknown>>;
    const updated = rules.map((rule, i) => {
      const backends = (rule[backendsField] ?? []) as Array<
        Record<string, unknown>
      >;
      const normalised = route.rules[i]?.backends ?? [];
      if (!normalised.some(b => b.canary)) return rule;
      const weights = reweigh(normalised, percent);
      return {
        ...rule,
        [backendsField]: backends.map((b, j) => ({ ...b, weight: weights[j] })),
      };
    });
    return { ...base, metadata, spec: { [field]: updated } } as Raw;
  }
}
