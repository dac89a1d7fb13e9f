import type { GcpProject, GkeNodePool } from './gcp';

/**
 * How the watch cache sees a cluster: `syncing` until every kind has been listed once, `stale`
 * while a watch reconnects, `unreachable` when its API server does not answer, `absent` when the
 * cluster is not in the Groundcrew fleet (a GKE cluster nobody registered).
 *
 * @public
 */
export type ClusterReachability =
  | 'syncing'
  | 'ok'
  | 'stale'
  | 'unreachable'
  | 'absent';

/**
 * A workload of a cluster that is not at its desired state.
 *
 * @public
 */
export interface ClusterWorkloadProblem {
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  /** The Deployment's Progressing reason, e.g. `ProgressDeadlineExceeded`. */
  reason?: string;
}

/**
 * The Deployments of a cluster, counted from the watch cache.
 *
 * @public
 */
export interface ClusterWorkloads {
  deployments: number;
  /** Deployments with every desired replica updated, ready and available. */
  healthy: number;
  namespaces: number;
  /** The first few Deployments that are not healthy, by namespace and name. */
  unhealthy: ClusterWorkloadProblem[];
  /** Runway services with Deployments here (their `runway.gitlab.com/service` label), sorted. */
  runwayServices: string[];
}

/**
 * What GKE says of a cluster, when it is one.
 *
 * @public
 */
export interface ClusterGkeFacts {
  projectId: string;
  location: string;
  /** PROVISIONING, RUNNING, RECONCILING, STOPPING, ERROR, DEGRADED. */
  status: string;
  statusMessage?: string;
  releaseChannel?: string;
  currentMasterVersion?: string;
  privateNodes: boolean;
  nodePools: GkeNodePool[];
}

/**
 * A cluster's page: its state in the fleet and the watch cache, its Kubernetes version, its GKE
 * facts (node pools) and the health of its workloads. Never its endpoint or credentials.
 *
 * @public
 */
export interface ClusterOverview {
  name: string;
  /** Labels of the fleet cluster (`environment`, `region`, …); empty when not in the fleet. */
  labels: Record<string, string>;
  /** Where the fleet has it from; absent when the cluster is not in the fleet. */
  source?: 'config' | 'registered';
  status: {
    state: ClusterReachability;
    /** When the cache last heard from the API server. */
    lastSeen?: string;
    /** Why it is stale or unreachable, in words (no addresses). */
    message?: string;
  };
  /** The API server's `gitVersion`, or GKE's control plane version when the server does not answer. */
  kubernetesVersion?: string;
  versionSource?: 'api-server' | 'gke';
  /** Absent for a cluster that is not a GKE cluster (no project given). */
  gke?: ClusterGkeFacts;
  /** Why the GKE facts are missing although a project was given (GCP down, cluster not found). */
  gkeProblem?: string;
  /** Absent until the cache has listed the cluster, and for a cluster outside the fleet. */
  workloads?: ClusterWorkloads;
}

/**
 * A GCP project's page: the project, its parent's name, billing and enabled APIs.
 *
 * @public
 */
export interface GcpProjectOverview {
  project: GcpProject;
  /** The folder or organization's display name, when Groundcrew can see it. */
  parentDisplayName?: string;
  billing: { billingAccountName?: string; billingEnabled: boolean };
  /** Service names (`container.googleapis.com`), sorted. */
  enabledApis: string[];
}

/**
 * Links to the Google Cloud console.
 *
 * @public
 */
export const gcpConsoleUrls = {
  project(projectId: string): string {
    return `https://console.cloud.google.com/home/dashboard?project=${encodeURIComponent(
      projectId,
    )}`;
  },
  cluster(ref: { projectId: string; location: string; name: string }): string {
    const location = encodeURIComponent(ref.location);
    const name = encodeURIComponent(ref.name);
    return `https://console.cloud.google.com/kubernetes/clusters/details/${location}/${name}/details?project=${encodeURIComponent(
      ref.projectId,
    )}`;
  },
};

/**
 * The catalog entity of a piece of infrastructure, as the entity provider
 * (`@groundcrew/plugin-catalog-backend-module-infra`) names it: what an entity page, a search
 * document or a permission check on that infrastructure refers to.
 *
 * @public
 */
export const infraEntityRef = {
  /** A Runway service: `component:default/<name>`. */
  service: (name: string) => `component:default/${name}`,
  /** A Kubernetes cluster (GKE or fleet): `resource:default/<name>`. */
  cluster: (name: string) => `resource:default/${name}`,
  /** A GCP project: `resource:default/<projectId>`. */
  project: (projectId: string) => `resource:default/${projectId}`,
};
