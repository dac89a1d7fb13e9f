import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ClusterOverview,
  ClusterSummary,
  GcpBillingAccount,
  GcpProjectOverview,
  GcpProject,
  GcpRegion,
  GcpProjectIdAvailability,
  GkeClusterSummary,
} from '@groundcrew/plugin-infra-common';

export type { GcpBillingAccount, GcpRegion, GkeClusterSummary };

/**
 * A cluster of the Groundcrew Kubernetes fleet as the wizards see it: its name, its labels
 * (`environment`, `region`, …) and where it came from; never its endpoint or credentials.
 *
 * @public
 */
export type FleetCluster = Pick<ClusterSummary, 'name' | 'labels' | 'source'>;

/**
 * Options every lookup takes.
 *
 * @public
 */
export interface InfraRequestOptions {
  /** Aborts the request, e.g. when the person typed on. */
  signal?: AbortSignal;
}

/**
 * The infra backend's lookups for the template wizards.
 *
 * @public
 */
export interface InfraApi {
  /** Whether a new GCP project could take this id. */
  checkProjectId(
    projectId: string,
    options?: InfraRequestOptions,
  ): Promise<GcpProjectIdAvailability>;
  /** Projects Groundcrew can see whose id or display name starts with a word of `query`. */
  listProjects(
    options?: InfraRequestOptions & {
      query?: string;
      limit?: number;
      includeInactive?: boolean;
    },
  ): Promise<GcpProject[]>;
  /** The regions offered for clusters. */
  listRegions(options?: InfraRequestOptions): Promise<GcpRegion[]>;
  /** Clusters of a project, in one region or all. */
  listClusters(
    options: InfraRequestOptions & { projectId: string; location?: string },
  ): Promise<GkeClusterSummary[]>;
  /** The clusters of the Groundcrew Kubernetes fleet, by name. */
  listFleetClusters(options?: InfraRequestOptions): Promise<FleetCluster[]>;
  /** Billing accounts, open ones first. */
  listBillingAccounts(
    options?: InfraRequestOptions,
  ): Promise<GcpBillingAccount[]>;
  /**
   * A cluster's entity page: its state in the fleet, version, GKE node pools (with `projectId`)
   * and workload health. Fails with 404 when the cluster is neither in the fleet nor in GKE.
   */
  getClusterOverview(
    options: InfraRequestOptions & {
      name: string;
      projectId?: string;
      location?: string;
    },
  ): Promise<ClusterOverview>;
  /** A GCP project's entity page: parent, labels, billing and enabled APIs. */
  getProjectOverview(
    options: InfraRequestOptions & { projectId: string },
  ): Promise<GcpProjectOverview>;
}

/** @public */
export const infraApiRef = createApiRef<InfraApi>({
  id: 'plugin.infra.service',
});
