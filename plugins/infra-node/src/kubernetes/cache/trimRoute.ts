import { CachedMeta, meta, WatchedObject } from './trim';

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

function routeMeta(o: WatchedObject) {
  const raw = o as unknown as RawRoute;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.metadata?.annotations ?? {})) {
    if (KEPT_ANNOTATION.test(k)) annotations[k] = String(v);
  }
  return {
    ...meta(o),
    resourceVersion: raw.metadata?.resourceVersion ?? '',
    annotations: Object.freeze(annotations),
    spec: raw.spec ?? {},
  };
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

export function trimHttpRoute(o: WatchedObject): CachedRoute {
  const { spec, ...m } = routeMeta(o);
  return {
    ...m,
    kind: 'HTTPRoute',
    hosts: Object.freeze([...(spec.hostnames ?? [])]),
    rules: (spec.rules ?? []).map(r => ({
      name: r.name,
      backends: (r.backendRefs ?? []).map(b => ({
        name: String(b.name ?? ''),
        namespace: b.namespace,
        port: num(b.port),
        weight: num(b.weight),
      })),
    })),
  };
}

export function trimVirtualService(o: WatchedObject): CachedRoute {
  const { spec, ...m } = routeMeta(o);
  return {
    ...m,
    kind: 'VirtualService',
    hosts: Object.freeze([...(spec.hosts ?? [])]),
    rules: (spec.http ?? []).map(r => ({
      name: r.name,
      backends: (r.route ?? []).map(d => ({
        name: String(d.destination?.host ?? ''),
        subset: d.destination?.subset,
        port: num(d.destination?.port?.number),
        weight: num(d.weight),
      })),
    })),
  };
}

export function trimIngress(o: WatchedObject): CachedRoute {
  const { spec, ...m } = routeMeta(o);
  const rules: CachedRouteRule[] = (spec.rules ?? []).flatMap(r =>
    (r.http?.paths ?? []).map(p => ({
      name: `${r.host ?? '*'}${p.path ?? '/'}`,
      backends: p.backend?.service?.name
        ? [
            {
              name: p.backend.service.name,
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
      backends: [{ name: fallback.name, port: num(fallback.port?.number) }],
    });
  }
  return {
    ...m,
    kind: 'Ingress',
    hosts: Object.freeze(
      (spec.rules ?? []).map(r => r.host).filter((h): h is string => !!h),
    ),
    rules,
  };
}
