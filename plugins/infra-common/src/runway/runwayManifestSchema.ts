/*
 * The Runway service manifest (`.runway/runway.yml`), after GitLab's published schema
 * (https://schemas.runway.gitlab.com/RunwayService/) with the Kubernetes runtime Groundcrew adds.
 * docs/content/runway.md documents every field and the sources it follows; keep the two in step
 * (the docs test parses every example of the page with this schema).
 */
import { z } from 'zod/v4';
import { GCP_LABEL_VALUE_PATTERN } from '../gcp';

/** @public */
export const RUNWAY_API_VERSION = 'runway/v1';

/**
 * The two runtimes: Cloud Run (Runway's first) and GKE (its newer one).
 *
 * @public
 */
export const RUNWAY_KINDS = [
  'RunwayService',
  'RunwayKubernetesService',
] as const;

/** @public */
export type RunwayKind = (typeof RUNWAY_KINDS)[number];

/** @public */
export const RUNWAY_DEPLOYMENT_STRATEGIES = [
  'gradual',
  'expedited',
  'legacy',
] as const;

/**
 * The steps of a gradual rollout when the manifest names none (the steps of Runway's published
 * example).
 *
 * @public
 */
export const RUNWAY_DEFAULT_ROLLOUT_TRAFFIC_PERCENTAGES: readonly number[] = [
  5, 25, 75, 100,
];

/**
 * A DNS-1123 label: what Kubernetes requires of a namespace or Service name and Cloud Run of a
 * service name.
 *
 * @public
 */
export const RUNWAY_SERVICE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An environment variable name as Runway requires it: upper case, digits and underscores. */
const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
/** us-east1, europe-west4, northamerica-northeast1. */
const GCP_REGION_PATTERN = /^[a-z]+(-[a-z]+)+[0-9]+$/;
/** Kubernetes CPU quantities: millicores (`500m`) or cores (`2`, `0.5`). */
const CPU_PATTERN = /^([1-9][0-9]*m|[0-9]+(\.[0-9]+)?)$/;
/** Kubernetes memory quantities: `512Mi`, `2Gi`, `2G`, `128974848`. */
const MEMORY_PATTERN = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;
/** A Vault KV path: segments of letters, digits, `_`, `-` and `.`, no leading slash. */
const VAULT_PATH_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

const labelValue = (what: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(GCP_LABEL_VALUE_PATTERN, {
      error:
        'must be lower-case letters, digits, `_` and `-` (it becomes a GCP label value)',
    })
    .describe(what);

const metadataSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(63, { error: 'must be at most 63 characters long' })
      .regex(RUNWAY_SERVICE_NAME_PATTERN, {
        error:
          'must be a DNS label: lower-case letters, digits and `-`, starting and ending with a letter or digit',
      })
      .describe(
        'The name of the service (the Runway service id): a DNS-1123 label of at most 63 characters.',
      ),
    owner_email_handle: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, {
        error:
          'must be an email handle: the part before the @, without the domain',
      })
      .describe(
        'The email handle (the part before the @) of the person or group that owns the service.',
      ),
    department: labelValue(
      'The department of the owner (the gl_dept label of the handbook).',
    ),
    department_group: labelValue(
      'The department group of the owner (the gl_dept_group label).',
    ),
    product_category: labelValue(
      'The product category that owns the service (the gl_product_category label).',
    ),
  })
  .strict()
  .describe('Who the service is and who owns it.');

const resourceLimitsSchema = z
  .object({
    cpu: z
      .string({
        error: 'must be a CPU quantity in quotes, such as "1000m" or "2"',
      })
      .regex(CPU_PATTERN, {
        error: 'must be a CPU quantity such as 1000m, 500m or "2"',
      })
      .default('1000m')
      .describe('CPU limit of an instance, in Kubernetes quantity form.'),
    memory: z
      .string({ error: 'must be a memory quantity such as 512Mi or 2Gi' })
      .regex(MEMORY_PATTERN, {
        error: 'must be a memory quantity such as 512Mi or 2Gi',
      })
      .default('512Mi')
      .describe('Memory limit of an instance, in Kubernetes quantity form.'),
  })
  .strict()
  .default({ cpu: '1000m', memory: '512Mi' })
  .describe('Resource limits of one instance; exceeding them ends it.');

const scalabilitySchema = (minimum: number) =>
  z
    .object({
      min_instances: z
        .int()
        .min(minimum)
        .default(minimum)
        .describe(
          minimum === 0
            ? 'The fewest instances; 0 scales to zero without traffic.'
            : 'The fewest replicas of the stable Deployment.',
        ),
      max_instances: z
        .int()
        .min(1)
        .optional()
        .describe(
          'The most instances; unset leaves it to the runtime. Must be at least min_instances.',
        ),
      max_instance_concurrent_requests: z
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe('The most requests one instance serves at a time.'),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (
        value.max_instances !== undefined &&
        value.max_instances < value.min_instances
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['max_instances'],
          message: 'must be ≥ min_instances',
        });
      }
    })
    .default({ min_instances: minimum })
    .describe('How many instances run.');

const loadBalancerSchema = (enabled: boolean, what: string) =>
  z
    .object({
      enabled: z
        .boolean()
        .default(enabled)
        .describe(`Whether the ${what} load balancer serves the service.`),
      backend_protocol: z
        .enum(['HTTP1', 'HTTP2'])
        .default('HTTP1')
        .describe('HTTP2 for gRPC services.'),
      hostnames: z
        .array(
          z
            .string()
            .regex(/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
              error: 'must be a host name such as api.example.com',
            }),
        )
        .optional()
        .describe('Host names routed to the service.'),
    })
    .strict()
    .default({ enabled, backend_protocol: 'HTTP1' })
    .describe(`The ${what} load balancer.`);

const loadBalancingSchema = z
  .object({
    external_load_balancer: loadBalancerSchema(false, 'external'),
    internal_load_balancer: loadBalancerSchema(true, 'internal'),
  })
  .strict()
  .default({
    external_load_balancer: { enabled: false, backend_protocol: 'HTTP1' },
    internal_load_balancer: { enabled: true, backend_protocol: 'HTTP1' },
  })
  .describe('How traffic reaches the service.');

const rolloutTrafficPercentagesSchema = z
  .array(z.int().min(1).max(100))
  .min(1)
  .superRefine((steps, ctx) => {
    steps.forEach((step, i) => {
      if (i > 0 && step <= steps[i - 1]) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `must be greater than the step before it (${steps[i - 1]})`,
        });
      }
    });
    // A last step above 100 already has its own problem.
    if (steps.length > 0 && steps[steps.length - 1] < 100) {
      ctx.addIssue({
        code: 'custom',
        path: [steps.length - 1],
        message:
          'must be 100: the last step sends all traffic to the new version',
      });
    }
  })
  .describe(
    'The share of traffic (1 to 100, increasing, ending at 100) the new version gets at each step of a gradual rollout.',
  );

const deploymentSchema = z
  .object({
    strategy: z
      .enum(RUNWAY_DEPLOYMENT_STRATEGIES)
      .default('gradual')
      .describe(
        'gradual steps through rollout_traffic_percentages; expedited sends all traffic at once; legacy (the value of Runway’s published example) rolls out as gradual.',
      ),
    rollout_traffic_percentages: rolloutTrafficPercentagesSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (
      value.strategy === 'expedited' &&
      value.rollout_traffic_percentages !== undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['rollout_traffic_percentages'],
        message: 'must be left out with strategy expedited',
      });
    }
  })
  .default({ strategy: 'gradual' })
  .describe('How a new version replaces the running one.');

const probeSchema = (what: string) =>
  z
    .object({
      path: z
        .string()
        .regex(/^\/\S*$/, { error: 'must be an HTTP path starting with /' })
        .describe('The HTTP path probed.'),
      initial_delay_seconds: z
        .int()
        .min(0)
        .max(240)
        .default(0)
        .describe('Seconds after start before the first probe.'),
      period_seconds: z
        .int()
        .min(1)
        .max(240)
        .default(10)
        .describe('Seconds between probes.'),
      failure_threshold: z
        .int()
        .min(1)
        .default(3)
        .describe(
          'Failed probes in a row before the container counts as failed.',
        ),
      timeout_seconds: z
        .int()
        .min(1)
        .max(240)
        .default(1)
        .describe('Seconds a probe may take; at most period_seconds.'),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.timeout_seconds > value.period_seconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeout_seconds'],
          message: 'must be ≤ period_seconds',
        });
      }
    })
    .optional()
    .describe(what);

const vaultReferenceSchema = z
  .object({
    path: z
      .string()
      .regex(VAULT_PATH_PATTERN, {
        error:
          'must be a Vault path such as runway/env/production/service/my-service/db',
      })
      .describe('The path of the Vault secret.'),
    key: z.string().min(1).describe('The key within the Vault secret.'),
  })
  .strict()
  .describe('Where the value lives in Vault.');

const environmentVariableSchema = z
  .object({
    value: z
      .string({ error: 'must be a string (quote numbers and booleans)' })
      .optional()
      .describe('A plain value, checked into the repository: never a secret.'),
    vault: vaultReferenceSchema.optional(),
  })
  .strict()
  .superRefine((variable, ctx) => {
    const count =
      Number(variable.value !== undefined) +
      Number(variable.vault !== undefined);
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'must have exactly one of `value` or `vault`',
      });
    }
  })
  .describe(
    'Either a plain `value` or a `vault` reference; secrets are only ever Vault references.',
  );

const environmentVariablesSchema = z
  .record(
    z.string().regex(ENV_NAME_PATTERN, {
      error:
        'must be an environment variable name: upper-case letters, digits and `_`',
    }),
    environmentVariableSchema,
  )
  .optional()
  .describe('Environment variables of the container, by name.');

const regionsSchema = z
  .array(
    z.string().regex(GCP_REGION_PATTERN, {
      error: 'must be a GCP region name such as us-east1',
    }),
  )
  .min(1)
  .superRefine((regions, ctx) => {
    regions.forEach((region, i) => {
      if (regions.indexOf(region) < i) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `repeats ${region}`,
        });
      }
    });
  })
  .describe('The GCP regions the service runs in.');

const commonSpecShape = {
  image: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The container image. Deprecated in Runway, which takes the image from CI; the scaffolder action takes it as input.',
    )
    .meta({ deprecated: true }),
  container_port: z
    .int()
    .min(1)
    .max(65535)
    .default(8080)
    .describe('The port the container listens on.'),
  regions: regionsSchema,
  load_balancing: loadBalancingSchema,
  deployment: deploymentSchema,
  startup_probe: probeSchema(
    'Whether the container has started; traffic waits for it.',
  ),
  liveness_probe: probeSchema(
    'Whether the container still works; a failing one restarts it.',
  ),
  environment_variables: environmentVariablesSchema,
};

const cloudRunSpecSchema = z
  .object({
    ...commonSpecShape,
    resources: z
      .object({
        limits: resourceLimitsSchema,
        startup_cpu_boost: z
          .boolean()
          .default(false)
          .describe('Extra CPU while an instance starts.'),
      })
      .strict()
      .default({
        limits: { cpu: '1000m', memory: '512Mi' },
        startup_cpu_boost: false,
      })
      .describe('CPU and memory of one instance.'),
    scalability: scalabilitySchema(0),
  })
  .strict()
  .describe('The specification of a Cloud Run service.');

const kubernetesSpecSchema = z
  .object({
    ...commonSpecShape,
    resources: z
      .object({ limits: resourceLimitsSchema })
      .strict()
      .default({ limits: { cpu: '1000m', memory: '512Mi' } })
      .describe('CPU and memory of one pod.'),
    scalability: scalabilitySchema(1),
  })
  .strict()
  .describe('The specification of a GKE service.');

const apiVersionSchema = z
  .literal(RUNWAY_API_VERSION)
  .default(RUNWAY_API_VERSION)
  .describe('The version of the manifest format.');

const cloudRunManifestSchema = z
  .object({
    apiVersion: apiVersionSchema,
    kind: z.literal('RunwayService').describe('A Cloud Run service.'),
    metadata: metadataSchema,
    spec: cloudRunSpecSchema,
  })
  .strict();

const kubernetesManifestSchema = z
  .object({
    apiVersion: apiVersionSchema,
    kind: z
      .literal('RunwayKubernetesService')
      .describe('A service on GKE, deployed by a Flux HelmRelease.'),
    metadata: metadataSchema,
    spec: kubernetesSpecSchema,
  })
  .strict();

/**
 * The manifest: one schema per runtime, told apart by `kind`.
 *
 * @public
 */
export const runwayManifestSchema = z
  .discriminatedUnion('kind', [
    cloudRunManifestSchema,
    kubernetesManifestSchema,
  ])
  .describe('A Runway service manifest (.runway/runway.yml).');

/**
 * A valid manifest of either kind, with every default filled in.
 *
 * @public
 */
export type RunwayManifest = z.output<typeof runwayManifestSchema>;

/** @public */
export type RunwayCloudRunManifest = z.output<typeof cloudRunManifestSchema>;

/** @public */
export type RunwayKubernetesManifest = z.output<
  typeof kubernetesManifestSchema
>;

/**
 * A manifest as a person writes it: what has a default may be left out.
 *
 * @public
 */
export type RunwayManifestInput = z.input<typeof runwayManifestSchema>;

/** @public */
export type RunwayEnvironmentVariable = z.output<
  typeof environmentVariableSchema
>;

/**
 * The traffic percentages a rollout of this manifest steps through: `[100]` for an expedited
 * one.
 *
 * @public
 */
export function runwayRolloutSteps(manifest: RunwayManifest): number[] {
  if (manifest.spec.deployment.strategy === 'expedited') return [100];
  return [
    ...(manifest.spec.deployment.rollout_traffic_percentages ??
      RUNWAY_DEFAULT_ROLLOUT_TRAFFIC_PERCENTAGES),
  ];
}
