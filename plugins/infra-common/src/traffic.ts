import { z } from 'zod';

/**
 * Traffic: how an entity's ingress routes share requests between a stable and a canary backend,
 * the same model whatever carries the weights (Gateway API HTTPRoute, Istio VirtualService,
 * ingress-nginx canary Ingress, Cloud Run revision traffic).
 */

/**
 * The kinds of route the traffic plugin reads and changes.
 *
 * @public
 */
export const TRAFFIC_ROUTE_KINDS = [
  'HTTPRoute',
  'VirtualService',
  'Ingress',
  'CloudRunService',
] as const;

/** @public */
export type TrafficRouteKind = (typeof TRAFFIC_ROUTE_KINDS)[number];

/**
 * The steps a canary takes when neither the route nor the entity names its own.
 *
 * @public
 */
export const TRAFFIC_DEFAULT_STEPS: readonly number[] = [5, 25, 50, 100];

/**
 * Annotations the traffic plugin reads on a route object or a catalog entity.
 *
 * @public
 */
export const TRAFFIC_ANNOTATIONS = {
  /** Comma-separated increasing percentages ending at 100 (`5,25,50,100`), a Runway manifest's `rollout_traffic_percentages`. */
  rolloutSteps: 'groundcrew.io/rollout-traffic-percentages',
  /** On a route: the name of its canary backend, when the name does not say `canary`. */
  canaryBackend: 'groundcrew.io/canary-backend',
} as const;

/**
 * ingress-nginx annotations of a canary Ingress.
 *
 * @public
 */
export const NGINX_CANARY_ANNOTATIONS = {
  canary: 'nginx.ingress.kubernetes.io/canary',
  weight: 'nginx.ingress.kubernetes.io/canary-weight',
  weightTotal: 'nginx.ingress.kubernetes.io/canary-weight-total',
} as const;

/** @public */
export const trafficBackendSchema = z.object({
  /** A Service (Kubernetes), a destination host (Istio) or a revision (Cloud Run). */
  name: z.string(),
  /** The weight as the object writes it (any scale). */
  weight: z.number(),
  /** The share of the rule's requests, 0–100 (rounded to 0.1). */
  percent: z.number(),
  canary: z.boolean(),
  port: z.number().optional(),
  subset: z.string().optional(),
});
/** @public */
export type TrafficBackend = z.infer<typeof trafficBackendSchema>;

/** @public */
export const trafficRuleSchema = z.object({
  name: z.string().optional(),
  backends: z.array(trafficBackendSchema),
});
/** @public */
export type TrafficRule = z.infer<typeof trafficRuleSchema>;

/** @public */
export const trafficRouteSchema = z.object({
  /** `<kind>/<namespace>/<name>`; for Cloud Run `CloudRunService/<project>/<service>`. */
  route: z.string(),
  kind: z.enum(TRAFFIC_ROUTE_KINDS),
  namespace: z.string(),
  name: z.string(),
  /** A fleet cluster, or `cloud-run/<region>` for Cloud Run. */
  cluster: z.string(),
  hosts: z.array(z.string()),
  /** The object's resourceVersion (Kubernetes) or etag (Cloud Run): the precondition of a change. */
  resourceVersion: z.string(),
  rules: z.array(trafficRuleSchema),
  /** The canary's share of the first rule that has one; null when the route has no canary. */
  canaryPercent: z.number().nullable(),
  /** The steps "next step" walks through. */
  steps: z.array(z.number()),
  /** The next step above the current share, or null at 100 % or without a canary. */
  nextStep: z.number().nullable(),
  /** Why the route cannot be changed here, when it cannot. */
  readOnlyReason: z.string().optional(),
});
/** @public */
export type TrafficRoute = z.infer<typeof trafficRouteSchema>;

/** @public */
export const trafficClusterStateSchema = z.object({
  name: z.string(),
  state: z.enum(['syncing', 'ok', 'stale', 'unreachable']),
  message: z.string().optional(),
  lastSeen: z.string().optional(),
});

/**
 * What the Traffic tab shows of one entity.
 *
 * @public
 */
export const trafficViewSchema = z.object({
  entityRef: z.string(),
  routes: z.array(trafficRouteSchema),
  clusters: z.array(trafficClusterStateSchema),
  /** Whether the caller may change the weights (the backend checks again on every change). */
  canUpdate: z.boolean(),
  /** Bumped whenever a route of the view changes. */
  revision: z.number(),
});
/** @public */
export type TrafficView = z.infer<typeof trafficViewSchema>;

/** @public */
export const trafficChangeRequestSchema = z
  .object({
    route: z.string().min(1).describe('The route, as `route` in the view'),
    /** One cluster, or several for the same route in several clusters. */
    cluster: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    canaryPercent: z
      .number()
      .int('canaryPercent must be a whole number')
      .min(0, 'canaryPercent must be from 0 to 100')
      .max(100, 'canaryPercent must be from 0 to 100')
      .optional(),
    step: z.enum(['next', 'rollback']).optional(),
    /** The canary backend the share is for; when given it must be the route's canary. */
    backend: z.string().min(1).optional(),
    reason: z
      .string()
      .trim()
      .min(1, 'reason is required')
      .max(500, 'reason must be at most 500 characters'),
    /** The resourceVersion the caller saw; the change is refused if the route moved since. */
    resourceVersion: z.string().optional(),
  })
  .strict();
/** @public */
export type TrafficChangeRequest = z.infer<typeof trafficChangeRequestSchema>;

/**
 * What one change did in one cluster.
 *
 * @public
 */
export interface TrafficClusterOutcome {
  cluster: string;
  status: 'changed' | 'unchanged' | 'failed';
  before?: number;
  after?: number;
  /** Why it failed (a 409, an unreachable cluster). */
  error?: { name: string; message: string; statusCode: number };
}

/** @public */
export interface TrafficChangeResult {
  route: string;
  outcomes: TrafficClusterOutcome[];
}

/**
 * One row of the history of an entity's traffic.
 *
 * @public
 */
export interface TrafficChangeRecord {
  id: number;
  entityRef: string;
  actor: string;
  time: string;
  route: string;
  cluster: string;
  /** The canary's share before and after. */
  before: number;
  after: number;
  reason: string;
  /** `set`, `next` or `rollback`, or `observed` for a change made outside Groundcrew. */
  action: string;
}

/**
 * The rollout steps of a route: an annotation value if it is valid, else the default.
 *
 * @public
 */
export function parseTrafficSteps(
  value: string | undefined,
): number[] | undefined {
  if (!value) return undefined;
  const steps = value.split(',').map(s => Number(s.trim()));
  const valid =
    steps.length > 0 &&
    steps.every(
      (s, i) =>
        Number.isInteger(s) &&
        s >= 1 &&
        s <= 100 &&
        (i === 0 || s > steps[i - 1]),
    ) &&
    steps[steps.length - 1] === 100;
  return valid ? steps : undefined;
}

/**
 * The next step above `current`, or null when the canary already takes everything.
 *
 * @public
 */
export function nextTrafficStep(
  steps: readonly number[],
  current: number,
): number | null {
  return steps.find(s => s > current) ?? null;
}
