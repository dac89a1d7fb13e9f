import { JsonObject, JsonValue } from '@backstage/types';

/**
 * What of a started sandbox (`Sandbox` of `@groundcrew/sandbox`) the config points at; a `Sandbox`
 * is one. Structural, so that these helpers do not depend on the sandbox package.
 */
export interface SandboxEndpoints {
  kubernetes: {
    caPem: string;
    clusters: ReadonlyArray<{
      name: string;
      url: string;
      token: string;
      labels?: Record<string, string>;
    }>;
  };
  gcp?: { url: string; token: string };
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `extra` over `base`: objects merged key by key, anything else (arrays too) replaced. */
function merged(base: JsonObject, extra: JsonObject): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = result[key];
    result[key] =
      isObject(current) && isObject(value) ? merged(current, value) : value;
  }
  return result;
}

/**
 * App config of a test backend on a sandbox: an in-memory database; the GCP service on the
 * sandbox's GCP (when it runs one) with short operation polls and two quick tries; and every
 * sandbox cluster in the fleet, with the credential `sandbox` (the token of the first cluster, which
 * every cluster shares when the sandbox was started with `token`) and the labels
 * `clusterLabels` gives it (none unless told: a label can change what a test exercises). `overrides`
 * is merged in: objects key by key, anything else (arrays too) replaced.
 */
export function sandboxAppConfig(
  sandbox: SandboxEndpoints,
  options: {
    clusterLabels?: (cluster: {
      name: string;
      labels?: Record<string, string>;
    }) => Record<string, string>;
    overrides?: JsonObject;
  } = {},
): JsonObject {
  const { kubernetes, gcp } = sandbox;
  const token = kubernetes.clusters[0]?.token;
  const base: JsonObject = {
    backend: {
      baseUrl: 'http://localhost:0',
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    groundcrew: {
      permissions: { platformGroup: 'group:default/platform' },
      ...(gcp
        ? {
            gcp: {
              endpoint: gcp.url,
              caData: kubernetes.caPem,
              credentials: { token: gcp.token },
              operationPollIntervalSeconds: 0.02,
              retry: { attempts: 2, initialBackoffSeconds: 0.01 },
            },
          }
        : {}),
      kubernetes: {
        credentials: { sandbox: { token } },
        clusters: kubernetes.clusters.map(c => ({
          name: c.name,
          url: c.url,
          caData: kubernetes.caPem,
          // One token for every cluster when the sandbox was given one; its own token otherwise.
          ...(c.token === token
            ? { credential: 'sandbox' }
            : { token: c.token }),
          ...(options.clusterLabels
            ? { labels: options.clusterLabels(c) }
            : {}),
        })),
      },
    },
  };
  return merged(base, options.overrides ?? {});
}
