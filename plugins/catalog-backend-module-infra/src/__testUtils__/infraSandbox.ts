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
