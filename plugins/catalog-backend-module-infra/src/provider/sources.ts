import { NotAllowedError } from '@backstage/errors';
import type {
  CloudRunService,
  GcpProject,
  GkeCluster,
} from '@groundcrew/plugin-infra-common';
import type {
  GcpService,
  KubernetesCacheService,
  KubernetesFleetService,
} from '@groundcrew/plugin-infra-node';
import {
  RUNWAY_CLOUD_RUN_LABELS,
  RUNWAY_LABELS,
} from '@groundcrew/plugin-infra-common';
import type { RunwayWorkload } from './entities';

/**
 * GCP answers 403 SERVICE_DISABLED for an API the project has not enabled: the project simply has
 * no clusters (or Cloud Run services), which is not an outage.
 */
function isApiDisabled(error: unknown): boolean {
  return (
    error instanceof NotAllowedError &&
    /SERVICE_DISABLED|has not been used in project|is disabled/i.test(
      error.message,
    )
  );
}

async function orEmptyWhenDisabled<T>(read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch (error) {
    if (isApiDisabled(error)) return [];
    throw error;
  }
}

/** Active projects Groundcrew can see (source `gcp`). */
export async function readProjects(gcp: GcpService): Promise<GcpProject[]> {
  // A project being deleted leaves the catalog as soon as its deletion is requested.
  return (await gcp.searchProjects({ limit: 10_000 })).filter(
    p => p.state === 'ACTIVE',
  );
}

/** GKE clusters and Runway services on Cloud Run of one project (source `gcp:<project>`). */
export async function readProject(
  gcp: GcpService,
  projectId: string,
): Promise<{ clusters: GkeCluster[]; runServices: CloudRunService[] }> {
  const [clusters, runServices] = await Promise.all([
    orEmptyWhenDisabled(() => gcp.listClusters({ projectId })),
    orEmptyWhenDisabled(() => gcp.listRunServices({ projectId })),
  ]);
  return {
    clusters,
    // Only what Runway deployed: other Cloud Run services are not Runway services.
    runServices: runServices.filter(
      s => !!s.labels[RUNWAY_CLOUD_RUN_LABELS.service],
    ),
  };
}

/** The fleet's clusters (source `fleet`). */
export async function readFleet(fleet: KubernetesFleetService) {
  return fleet.listClusters();
}

/**
 * The Runway services of one cluster, from the watch-fed cache (source `kubernetes:<cluster>`):
 * Flux HelmReleases labelled `runway.gitlab.com/service`, with their namespace's labels. Throws when
 * the cache has not (or no longer) a complete view of the cluster, so the last good view is kept.
 */
export function readClusterWorkloads(
  cache: KubernetesCacheService,
  cluster: string,
): RunwayWorkload[] {
  const state = cache.clusters().find(c => c.name === cluster);
  if (!state) {
    throw new Error(`cluster ${cluster} is not in the Kubernetes cache yet`);
  }
  // Only a complete view counts: `stale` means some kind failed, and a kind that failed before its
  // first list holds nothing, which must not read as "every service was removed".
  if (state.state !== 'ok') {
    throw new Error(
      `cluster ${cluster} is ${state.state}${
        state.message ? `: ${state.message}` : ''
      }`,
    );
  }
  const out: RunwayWorkload[] = [];
  for (const flux of cache.flux(cluster)) {
    if (flux.kind !== 'HelmRelease' || flux.deleting) continue;
    const service = flux.labels[RUNWAY_LABELS.service];
    if (!service) continue;
    out.push({
      cluster,
      namespace: flux.namespace,
      service,
      labels: flux.labels,
      namespaceLabels: cache.namespace(cluster, flux.namespace)?.labels ?? {},
    });
  }
  return out;
}
