import {
  gcpServiceFactory,
  gcpServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceFactory,
  vaultServiceFactory,
  vaultServiceRef,
} from '@groundcrew/plugin-infra-node';
import { startServicesBackend } from '@groundcrew/plugin-infra-node/testUtils';
import {
  fleetClustersConfig,
  Sandbox,
  startSandbox,
  StartSandboxOptions,
} from '@groundcrew/sandbox';

/** The `groundcrew` config of a backend that reads the sandbox (GCP, Kubernetes, Vault). */
export function infraConfig(sandbox: Sandbox) {
  return {
    backend: {
      baseUrl: 'http://localhost:0',
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    groundcrew: {
      gcp: {
        endpoint: sandbox.gcp!.url,
        caData: sandbox.kubernetes.caPem,
        credentials: { token: sandbox.gcp!.token },
        retry: { attempts: 1 },
      },
      kubernetes: { clusters: fleetClustersConfig(sandbox) },
      vault: {
        endpoint: sandbox.vault!.url,
        caData: sandbox.kubernetes.caPem,
        auth: { token: sandbox.vault!.token },
        metadataCacheSeconds: 0,
        requestTimeoutSeconds: 5,
      },
    },
  };
}

/**
 * The demo sandbox (three clusters, GCP, Vault) and the real cache, GCP and Vault services of a
 * backend configured against it: what the collator reads in the portal.
 */
export async function startInfraSandbox(options: StartSandboxOptions = {}) {
  const sandbox = await startSandbox({
    gitlab: { enabled: false },
    oidc: { enabled: false },
    teleport: { enabled: false },
    timings: { podStartDelayMs: 10, podReadyDelayMs: 10, fluxReadyDelayMs: 10 },
    ...options,
  });
  const backend = await startServicesBackend({
    data: infraConfig(sandbox),
    features: [
      kubernetesFleetServiceFactory,
      gcpServiceFactory,
      vaultServiceFactory,
    ],
    refs: {
      cache: kubernetesCacheServiceRef,
      gcp: gcpServiceRef,
      vault: vaultServiceRef,
    },
  });
  return {
    sandbox,
    ...backend.services,
    async stop() {
      await backend.stop();
      await sandbox.stop();
    },
  };
}
