import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterGkeFacts,
  ClusterOverview,
  ClusterSummary,
  ClusterWorkloadProblem,
  ClusterWorkloads,
  GkeCluster,
  RUNWAY_LABELS,
} from '@groundcrew/plugin-infra-common';
import {
  CACHE_KINDS,
  CachedDeployment,
  clusterProblem,
  GcpService,
  KubernetesCacheService,
  KubernetesFleetService,
  readServerVersion,
} from '@groundcrew/plugin-infra-node';
import { checkGcpPlace } from './GcpLookupService';
import { readFrom } from './sourceErrors';

/** A cluster name as the fleet and GKE spell it: a DNS label. */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** How many unhealthy Deployments an overview names. */
const MAX_UNHEALTHY = 10;
/** How long a cluster that did not tell its version is not asked again. */
const FAILED_VERSION_TTL_MS = 60_000;

export interface ClusterOverviewServiceOptions {
  fleet: Pick<KubernetesFleetService, 'listClusters' | 'getKubeConfig'>;
  cache: Pick<KubernetesCacheService, 'clusters' | 'deployments' | 'watch'>;
  gcp: Pick<GcpService, 'getCluster' | 'listClusters'>;
  logger: LoggerService;
  /** How long an API server's version is remembered (it changes only with an upgrade). */
  versionTtlMs?: number;
  /** How long to wait for `GET /version`. */
  versionTimeoutMs?: number;
}

/** Every desired replica updated, ready and available, and the spec observed. */
function isHealthy(d: CachedDeployment): boolean {
  return (
    d.progressing?.reason !== 'ProgressDeadlineExceeded' &&
    d.observedGeneration >= d.generation &&
    d.updated >= d.desired &&
    d.ready >= d.desired &&
    d.available >= d.desired
  );
}

function gkeFacts(cluster: GkeCluster): ClusterGkeFacts {
  return {
    projectId: cluster.projectId,
    location: cluster.location,
    status: cluster.status,
    statusMessage: cluster.statusMessage,
    releaseChannel: cluster.releaseChannel,
    currentMasterVersion: cluster.currentMasterVersion,
    privateNodes: cluster.privateNodes,
    nodePools: cluster.nodePools,
  };
}

/**
 * A cluster's page, put together from the fleet (is it ours, its labels), the watch cache (is it
 * reachable, its Deployments), the API server (its version, remembered for a while) and GKE (node
 * pools, status) when the cluster belongs to a GCP project. Workloads come from the cache: a page
 * load lists nothing on the cluster.
 */
export class ClusterOverviewService {
  private readonly versions = new Map<
    string,
    { version?: string; at: number; failed?: boolean }
  >();

  static create(options: ClusterOverviewServiceOptions) {
    options.cache.watch(CACHE_KINDS.deployments);
    return new ClusterOverviewService(options);
  }

  private constructor(
    private readonly options: ClusterOverviewServiceOptions,
  ) {}

  /**
   * NotFoundError when the cluster is neither in the fleet nor (with `projectId`) in GKE;
   * ServiceUnavailableError when it is not in the fleet and GCP does not answer.
   */
  async overview(ref: {
    name: string;
    projectId?: string;
    location?: string;
  }): Promise<ClusterOverview> {
    const { name, projectId, location } = ref;
    if (!CLUSTER_NAME.test(name) || name.length > 63) {
      throw new InputError(
        `name must be a cluster name (lower-case letters, digits and '-', at most 63 characters), got "${name}"`,
      );
    }
    if (projectId !== undefined) {
      checkGcpPlace(
        { projectId, location },
        { projectId: 'project', location: 'location' },
      );
    } else if (location !== undefined) {
      throw new InputError(
        'location needs project: the GCP project of the cluster',
      );
    }

    const member = (await this.options.fleet.listClusters()).find(
      c => c.name === name,
    );
    const gke = projectId
      ? await this.gke({ name, projectId, location }, !member)
      : undefined;
    if (!member && !gke?.cluster) {
      throw new NotFoundError(
        projectId
          ? `No cluster named "${name}" in the fleet or in GKE project ${projectId}`
          : `No cluster named "${name}" in the fleet`,
      );
    }

    const overview: ClusterOverview = {
      name,
      labels: member ? { ...member.labels } : {},
      source: member?.source,
      status: { state: 'absent' },
      gke: gke?.cluster ? gkeFacts(gke.cluster) : undefined,
      gkeProblem: gke?.problem,
    };
    if (member) {
      const cached = this.options.cache.clusters().find(c => c.name === name);
      overview.status = cached
        ? {
            state: cached.state,
            lastSeen: cached.lastSeen,
            message: clusterProblem(cached.message),
          }
        : { state: 'syncing' };
      if (cached && (cached.state === 'ok' || cached.state === 'stale')) {
        overview.workloads = this.workloads(name);
      }
      // An unreachable server is not asked: the version it last told is shown.
      overview.kubernetesVersion =
        overview.status.state === 'unreachable'
          ? this.versions.get(name)?.version
          : await this.version(member);
      if (overview.kubernetesVersion) overview.versionSource = 'api-server';
    }
    if (!overview.kubernetesVersion && overview.gke?.currentMasterVersion) {
      overview.kubernetesVersion = overview.gke.currentMasterVersion;
      overview.versionSource = 'gke';
    }
    return overview;
  }

  /**
   * The GKE cluster, or why it is missing. When the cluster is not in the fleet, GKE is the only
   * source: what GCP refuses and GCP being down are the caller's answer (`required`).
   */
  private async gke(
    ref: { name: string; projectId: string; location?: string },
    required: boolean,
  ): Promise<{ cluster?: GkeCluster; problem?: string }> {
    const { name, projectId, location } = ref;
    const what = `GKE cluster ${name} of project ${projectId}`;
    const missing = `GKE has no cluster ${name} in project ${projectId}`;
    try {
      const cluster = await readFrom({
        system: 'GCP',
        what,
        logger: this.options.logger,
        read: async () =>
          location
            ? this.options.gcp.getCluster({ projectId, location, name })
            : (
                await this.options.gcp.listClusters({ projectId })
              ).find(c => c.name === name),
      });
      return cluster ? { cluster } : { problem: missing };
    } catch (error) {
      // GCP answers 403 for a project that is missing or hidden: to the caller, no such cluster.
      if (error instanceof NotAllowedError) {
        return {
          problem: `Groundcrew may not read the GKE clusters of project ${projectId}`,
        };
      }
      if (error instanceof NotFoundError) return { problem: missing };
      if (!required && error instanceof ServiceUnavailableError) {
        return { problem: error.message };
      }
      throw error;
    }
  }

  private workloads(cluster: string): ClusterWorkloads {
    let deployments = 0;
    let healthy = 0;
    const namespaces = new Set<string>();
    const services = new Set<string>();
    const unhealthy: ClusterWorkloadProblem[] = [];
    for (const d of this.options.cache.deployments(cluster)) {
      deployments++;
      namespaces.add(d.namespace);
      const service = d.labels[RUNWAY_LABELS.service];
      if (service) services.add(service);
      if (isHealthy(d)) {
        healthy++;
      } else {
        unhealthy.push({
          namespace: d.namespace,
          name: d.name,
          desired: d.desired,
          ready: d.ready,
          reason: d.progressing?.reason,
        });
      }
    }
    unhealthy.sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
    return {
      deployments,
      healthy,
      namespaces: namespaces.size,
      unhealthy: unhealthy.slice(0, MAX_UNHEALTHY),
      runwayServices: [...services].sort(),
    };
  }

  /**
   * The API server's version, remembered for `versionTtlMs`; undefined when it does not answer. A
   * failed ask is remembered for a minute, so that page loads do not each wait for the timeout.
   */
  private async version(cluster: ClusterSummary): Promise<string | undefined> {
    const ttl = this.options.versionTtlMs ?? 10 * 60_000;
    const known = this.versions.get(cluster.name);
    if (
      known &&
      Date.now() < known.at + (known.failed ? FAILED_VERSION_TTL_MS : ttl)
    ) {
      return known.version;
    }
    try {
      const version = await readServerVersion({
        cluster: cluster.name,
        kubeConfig: await this.options.fleet.getKubeConfig(cluster.name),
        timeoutMs: this.options.versionTimeoutMs,
      });
      this.versions.set(cluster.name, { version, at: Date.now() });
      return version;
    } catch (error) {
      this.options.logger.warn(
        `Could not read the version of cluster ${cluster.name}: ${error}`,
      );
      this.versions.set(cluster.name, {
        version: known?.version,
        at: Date.now(),
        failed: true,
      });
      return known?.version;
    }
  }
}
