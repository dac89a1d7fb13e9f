import type {
  CachedRoute,
  CachedRouteBackend,
} from '@groundcrew/plugin-infra-node';
import {
  CloudRunService,
  NGINX_CANARY_ANNOTATIONS,
  nextTrafficStep,
  parseTrafficSteps,
  TRAFFIC_ANNOTATIONS,
  TRAFFIC_DEFAULT_STEPS,
  TrafficBackend,
  TrafficRoute,
  TrafficRule,
} from '@groundcrew/plugin-infra-common';

/** A normalised route, with what a change needs to find the object it writes. */
export interface ResolvedRoute extends TrafficRoute {
  /** The object a change writes: the route itself, or an Ingress's canary Ingress. */
  target: { apiVersion: string; kind: string; namespace: string; name: string };
}

const API_VERSIONS: Record<CachedRoute['kind'], string> = {
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  VirtualService: 'networking.istio.io/v1',
  Ingress: 'networking.k8s.io/v1',
};

export function routeId(kind: string, namespace: string, name: string) {
  return `${kind}/${namespace}/${name}`;
}

const round = (n: number) => Math.round(n * 10) / 10;

function isCanaryName(b: { name: string; subset?: string }, named?: string) {
  if (named) return b.name === named || b.subset === named;
  return (
    /(^|[-.])canary([-.]|$)/.test(b.name) ||
    /(^|[-.])canary([-.]|$)/.test(b.subset ?? '')
  );
}

/** The weight a backend gets when the object leaves it out. */
function effectiveWeight(
  kind: CachedRoute['kind'],
  b: CachedRouteBackend,
  count: number,
): number {
  if (b.weight !== undefined) return b.weight;
  if (kind === 'HTTPRoute') return 1; // Gateway API's default
  return count === 1 ? 100 : 0; // Istio: a lone destination takes everything
}

function withPercents(
  backends: Array<Omit<TrafficBackend, 'percent'>>,
): TrafficBackend[] {
  const total = backends.reduce((n, b) => n + b.weight, 0);
  return backends.map(b => ({
    ...b,
    percent: total > 0 ? round((b.weight / total) * 100) : 0,
  }));
}

/** The rollout steps: the route's annotation, the entity's, else the default. */
export function stepsFor(
  routeAnnotations: Readonly<Record<string, string>>,
  entitySteps: number[] | undefined,
): number[] {
  return (
    parseTrafficSteps(routeAnnotations[TRAFFIC_ANNOTATIONS.rolloutSteps]) ??
    entitySteps ?? [...TRAFFIC_DEFAULT_STEPS]
  );
}

function finish(
  base: Omit<ResolvedRoute, 'canaryPercent' | 'nextStep'>,
): ResolvedRoute {
  const withCanary = base.rules.find(r => r.backends.some(b => b.canary));
  const canary = withCanary?.backends.find(b => b.canary);
  const canaryPercent = canary ? canary.percent : null;
  const readOnlyReason =
    base.readOnlyReason ??
    (canaryPercent === null
      ? 'The route has no canary backend (a backend named "canary", or the groundcrew.io/canary-backend annotation).'
      : undefined);
  return {
    ...base,
    readOnlyReason,
    canaryPercent,
    nextStep:
      canaryPercent === null
        ? null
        : nextTrafficStep(base.steps, canaryPercent),
  };
}

/** An HTTPRoute or a VirtualService: weights on the backends of each rule. */
function weighted(
  cluster: string,
  route: CachedRoute,
  entitySteps: number[] | undefined,
): ResolvedRoute {
  const named = route.annotations[TRAFFIC_ANNOTATIONS.canaryBackend];
  const rules: TrafficRule[] = route.rules.map(r => {
    const backends = withPercents(
      r.backends.map(b => ({
        name: b.name,
        weight: effectiveWeight(route.kind, b, r.backends.length),
        canary: isCanaryName(b, named),
        ...(b.port !== undefined ? { port: b.port } : {}),
        ...(b.subset !== undefined ? { subset: b.subset } : {}),
      })),
    );
    return { ...(r.name ? { name: r.name } : {}), backends };
  });
  const onlyCanary = rules.some(
    r => r.backends.length > 0 && r.backends.every(b => b.canary),
  );
  return finish({
    route: routeId(route.kind, route.namespace, route.name),
    kind: route.kind,
    namespace: route.namespace,
    name: route.name,
    cluster,
    hosts: [...route.hosts],
    resourceVersion: route.resourceVersion,
    rules,
    steps: stepsFor(route.annotations, entitySteps),
    readOnlyReason: onlyCanary
      ? 'A rule of the route has only canary backends: there is no stable backend to shift traffic from.'
      : undefined,
    target: {
      apiVersion: API_VERSIONS[route.kind],
      kind: route.kind,
      namespace: route.namespace,
      name: route.name,
    },
  });
}

function isCanaryIngress(route: CachedRoute) {
  return route.annotations[NGINX_CANARY_ANNOTATIONS.canary] === 'true';
}

/** ingress-nginx: a primary Ingress and the canary Ingress for the same host. */
function ingressPair(
  cluster: string,
  primary: CachedRoute,
  canary: CachedRoute | undefined,
  entitySteps: number[] | undefined,
): ResolvedRoute {
  const total =
    Number(canary?.annotations[NGINX_CANARY_ANNOTATIONS.weightTotal]) || 100;
  const weight = Math.min(
    total,
    Math.max(
      0,
      Number(canary?.annotations[NGINX_CANARY_ANNOTATIONS.weight]) || 0,
    ),
  );
  const canaryBackend = canary?.rules[0]?.backends[0];
  const rules: TrafficRule[] = primary.rules.map(r => {
    const backends: Array<Omit<TrafficBackend, 'percent'>> = r.backends.map(
      b => ({
        name: b.name,
        weight: canary ? total - weight : 100,
        canary: false,
        ...(b.port !== undefined ? { port: b.port } : {}),
      }),
    );
    if (canaryBackend) {
      backends.push({
        name: canaryBackend.name,
        weight,
        canary: true,
        ...(canaryBackend.port !== undefined
          ? { port: canaryBackend.port }
          : {}),
      });
    }
    return { name: r.name, backends: withPercents(backends) };
  });
  const annotations = { ...primary.annotations, ...canary?.annotations };
  return finish({
    route: routeId('Ingress', primary.namespace, primary.name),
    kind: 'Ingress',
    namespace: primary.namespace,
    name: primary.name,
    cluster,
    hosts: [...primary.hosts],
    // The canary Ingress is what a change writes: its version is the precondition.
    resourceVersion: canary?.resourceVersion ?? primary.resourceVersion,
    rules,
    steps: stepsFor(annotations, entitySteps),
    readOnlyReason: canary
      ? undefined
      : 'No ingress-nginx canary Ingress (nginx.ingress.kubernetes.io/canary: "true") for this host.',
    target: {
      apiVersion: API_VERSIONS.Ingress,
      kind: 'Ingress',
      namespace: primary.namespace,
      name: canary?.name ?? primary.name,
    },
  });
}

/** Every route of one cluster among `routes` (already filtered to the entity's). */
export function normaliseRoutes(
  cluster: string,
  routes: CachedRoute[],
  entitySteps?: number[],
): ResolvedRoute[] {
  const out: ResolvedRoute[] = [];
  const ingresses = routes.filter(r => r.kind === 'Ingress');
  const canaries = ingresses.filter(isCanaryIngress);
  const paired = new Set<CachedRoute>();
  for (const route of routes) {
    if (route.deleting) continue;
    if (route.kind !== 'Ingress') {
      out.push(weighted(cluster, route, entitySteps));
    } else if (!isCanaryIngress(route)) {
      const canary = canaries.find(
        c =>
          c.namespace === route.namespace &&
          c.hosts.some(h => route.hosts.includes(h)),
      );
      if (canary) paired.add(canary);
      out.push(ingressPair(cluster, route, canary, entitySteps));
    }
  }
  for (const canary of canaries) {
    if (paired.has(canary) || canary.deleting) continue;
    // A canary Ingress without its primary: shown, not changed.
    out.push({
      ...ingressPair(cluster, canary, undefined, entitySteps),
      readOnlyReason:
        'A canary Ingress without a primary Ingress for the same host.',
    });
  }
  return out.sort((a, b) => a.route.localeCompare(b.route));
}

/**
 * New weights for a rule: the canary gets `percent` of 100, the other backends share the rest in
 * their current proportions (whole numbers that add up to 100).
 */
export function reweigh(
  weights: Array<{ weight: number; canary: boolean }>,
  percent: number,
): number[] {
  const others = weights.filter(w => !w.canary);
  const otherTotal = others.reduce((n, w) => n + w.weight, 0);
  const rest = 100 - percent;
  const out = weights.map(w => {
    if (w.canary) return percent;
    if (otherTotal === 0) return 0;
    return Math.floor((w.weight / otherTotal) * rest);
  });
  // Give what rounding left over to the largest non-canary backend (the first when none has weight).
  let left =
    100 - out.reduce((n, w, i) => n + (weights[i].canary ? 0 : w), 0) - percent;
  if (left > 0) {
    let best = -1;
    weights.forEach((w, i) => {
      if (w.canary) return;
      if (best < 0 || w.weight > weights[best].weight) best = i;
    });
    if (best >= 0) {
      out[best] += left;
      left = 0;
    }
  }
  // Several canary backends in one rule share the canary's part equally.
  const canaryCount = weights.filter(w => w.canary).length;
  if (canaryCount > 1) {
    const each = Math.floor(percent / canaryCount);
    let extra = percent - each * canaryCount;
    weights.forEach((w, i) => {
      if (!w.canary) return;
      out[i] = each + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
    });
  }
  return out;
}

/** The canary of a Cloud Run service: the target on the latest created revision, when traffic is split. */
export function isCloudRunCanary(
  service: CloudRunService,
  targets: CloudRunService['traffic'],
  target: CloudRunService['traffic'][number],
): boolean {
  const latest = service.latestCreatedRevision;
  return (
    targets.length > 1 &&
    (target.revision === latest || (target.type === 'LATEST' && !!latest))
  );
}

/** Cloud Run: the revision targets of a service, the newest revision as the canary. */
export function normaliseCloudRun(
  service: CloudRunService,
  entitySteps: number[] | undefined,
): TrafficRoute {
  const targets = service.trafficStatuses.length
    ? service.trafficStatuses
    : service.traffic;
  const names = targets.map(t =>
    t.type === 'LATEST'
      ? `LATEST (${service.latestReadyRevision ?? '?'})`
      : t.revision ?? '?',
  );
  const backends = withPercents(
    targets.map((t, i) => ({
      name: names[i],
      weight: t.percent,
      canary: isCloudRunCanary(service, targets, t),
    })),
  );
  const canary = backends.find(b => b.canary);
  const steps = stepsFor(service.annotations, entitySteps);
  return {
    route: routeId('CloudRunService', service.projectId, service.name),
    kind: 'CloudRunService',
    namespace: service.projectId,
    name: service.name,
    cluster: `cloud-run/${service.location}`,
    hosts: service.uri ? [service.uri] : [],
    resourceVersion: service.etag ?? String(service.generation),
    rules: [{ backends }],
    canaryPercent: canary ? canary.percent : null,
    steps,
    nextStep: canary ? nextTrafficStep(steps, canary.percent) : null,
    readOnlyReason: canary
      ? undefined
      : 'All traffic goes to one revision: there is no canary revision to shift traffic to (deploy a new image with Runway first).',
  };
}
