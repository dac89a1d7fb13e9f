import { Sandbox, SandboxClusterSpec, startSandbox } from '@groundcrew/sandbox';

/** A sandbox with GCP and Kubernetes only (demo data on), fast GCP operations. */
export function startInfraSandbox(options: {
  clusters: SandboxClusterSpec[];
  token: string;
  objects?: unknown[];
}): Promise<Sandbox> {
  return startSandbox({
    clusters: options.clusters,
    demo: true,
    token: options.token,
    objects: options.objects,
    gitlab: { enabled: false },
    oidc: { enabled: false },
    vault: { enabled: false },
    teleport: { enabled: false },
    gcp: {
      timings: {
        projectCreateMs: 20,
        projectDeleteMs: 20,
        projectUpdateMs: 20,
        serviceEnableMs: 20,
        runServiceCreateMs: 20,
      },
    },
  });
}

/**
 * App config with the GCP service and the fleet pointed at the sandbox; every sandbox cluster is a
 * fleet cluster with the labels `labels(name)` gives it.
 */
export function infraConfig(
  sandbox: Sandbox,
  labels: (cluster: string) => Record<string, string>,
) {
  return {
    backend: {
      baseUrl: 'http://localhost:0',
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    groundcrew: {
      permissions: { platformGroup: 'group:default/platform' },
      gcp: {
        endpoint: sandbox.gcp!.url,
        caData: sandbox.kubernetes.caPem,
        credentials: { token: sandbox.gcp!.token },
        operationPollIntervalSeconds: 0.02,
        retry: { attempts: 2, initialBackoffSeconds: 0.01 },
      },
      kubernetes: {
        credentials: {
          sandbox: { token: sandbox.kubernetes.clusters[0].token },
        },
        clusters: sandbox.kubernetes.clusters.map(c => ({
          name: c.name,
          url: c.url,
          caData: sandbox.kubernetes.caPem,
          credential: 'sandbox',
          labels: labels(c.name),
        })),
      },
    },
  };
}
