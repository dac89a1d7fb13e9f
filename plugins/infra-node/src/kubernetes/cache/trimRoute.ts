import { CachedMeta, intern, meta, WatchedObject } from './trim';

/**
 * Routes (Gateway API HTTPRoute, Istio VirtualService, Ingress) trimmed to what the traffic plugin
 * reads: hosts, and per rule the backends with their weights. The resourceVersion is kept: a change
 * is applied with it as a precondition.
 */

/** @public */
export interface CachedRouteBackend {
  /** A Service name (HTTPRoute, Ingress) or a destination host (VirtualService). */
  name: string;
  namespace?: string;
  port?: number;
  /** An Istio destination subset. */
  subset?: string;
  /** Absent where the object leaves it to the default (HTTPRoute: 1; Ingress: none). */
  weight?: number;
}

/** @public */
export interface CachedRouteRule {
  name?: string;
  backends: CachedRouteBackend[];
}

/** @public */
export interface CachedRoute extends CachedMeta {
  kind: 'HTTPRoute' | 'VirtualService' | 'Ingress';
  resourceVersion: string;
  /** Only the `nginx.ingress.kubernetes.io/canary*` and `groundcrew.io/*` annotations. */
  annotations: Readonly<Record<string, string>>;
  hosts: readonly string[];
  rules: CachedRouteRule[];
}

interface RawRoute {
  metadata?: {
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: {
    hostnames?: string[];
    hosts?: string[];
    rules?: Array<{
      name?: string;
      host?: string;
      backendRefs?: Array<{
        name?: string;
        namespace?: string;
        port?: number;
        weight?: number;
      }>;
      http?: {
        paths?: Array<{
          path?: string;
          backend?: {
            service?: { name?: string; port?: { number?: number } };
          };
        }>;
      };
    }>;
    http?: Array<{
      name?: string;
      route?: Array<{
        destination?: {
          host?: string;
          subset?: string;
          port?: { number?: number };
        };
        weight?: number;
      }>;
    }>;
    defaultBackend?: {
      service?: { name?: string; port?: { number?: number } };
    };
  };
}

const KEPT_ANNOTATION =
  /^(nginx\.ingress\.kubernetes\.io\/canary|groundcrew\.io\/)/;

const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});

/** A route as one literal (see `meta` for why not a spread). */
function route(
  o: WatchedObject,
  kind: CachedRoute['kind'],
  hosts: readonly string[],
  rules: CachedRouteRule[],
): CachedRoute {
  const m = meta(o);
  const raw = o as unknown as RawRoute;
  let annotations = NO_ANNOTATIONS;
  for (const [k, v] of Object.entries(raw.metadata?.annotations ?? {})) {
    if (!KEPT_ANNOTATION.test(k)) continue;
    if (annotations === NO_ANNOTATIONS) annotations = {};
    (annotations as Record<string, string>)[k] = String(v);
  }
  return {
    uid: m.uid,
    name: m.name,
    namespace: m.namespace,
    labels: m.labels,
    createdAt: m.createdAt,
    deleting: m.deleting,
    kind,
    resourceVersion: raw.metadata?.resourceVersion ?? '',
    annotations: Object.freeze(annotations),
    hosts: Object.freeze(hosts),
    rules,
  };
}

function specOf(o: WatchedObject): NonNullable<RawRoute['spec']> {
  return (o as unknown as RawRoute).spec ?? {};
}

/** A backend named like the route's namespace (a Runway service's) keeps that one string. */
function backendName(name: unknown, o: WatchedObject): string {
  const s = String(name ?? '');
  return s === o.metadata?.namespace ? intern(s) : s;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

export function trimHttpRoute(o: WatchedObject): CachedRoute {
  const spec = specOf(o);
  return route(
    o,
    'HTTPRoute',
    [...(spec.hostnames ?? [])],
    (spec.rules ?? []).map(r => ({
      name: r.name,
      backends: (r.backendRefs ?? []).map(b => ({
        name: backendName(b.name, o),
        namespace: b.namespace,
        port: num(b.port),
        weight: num(b.weight),
      })),
    })),
  );
}

export function trimVirtualService(o: WatchedObject): CachedRoute {
  const spec = specOf(o);
  return route(
    o,
    'VirtualService',
    [...(spec.hosts ?? [])],
    (spec.http ?? []).map(r => ({
      name: r.name,
      backends: (r.route ?? []).map(d => ({
        name: backendName(d.destination?.host, o),
        subset: d.destination?.subset,
        port: num(d.destination?.port?.number),
        weight: num(d.weight),
      })),
    })),
  );
}

export function trimIngress(o: WatchedObject): CachedRoute {
  const spec = specOf(o);
  const rules: CachedRouteRule[] = (spec.rules ?? []).flatMap(r =>
    (r.http?.paths ?? []).map(p => ({
      name: `${r.host ?? '*'}${p.path ?? '/'}`,
      backends: p.backend?.service?.name
        ? [
            {
              name: backendName(p.backend.service.name, o),
              port: num(p.backend.service.port?.number),
            },
          ]
        : [],
    })),
  );
  const fallback = spec.defaultBackend?.service;
  if (fallback?.name) {
    rules.push({
      name: 'default',
      backends: [
        {
          name: backendName(fallback.name, o),
          port: num(fallback.port?.number),
        },
      ],
    });
  }
  return route(
    o,
    'Ingress',
    (spec.rules ?? []).map(r => r.host).filter((h): h is string => !!h),
    rules,
  );
}
