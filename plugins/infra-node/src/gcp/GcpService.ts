import type {
  CloudRunRevision,
  CloudRunService,
  CloudRunServiceRef,
  CloudRunServiceSpec,
  CloudRunTrafficTarget,
  GcpBillingAccount,
  GcpProject,
  GkeCluster,
  GkeNodePool,
  GkeReleaseChannel,
} from '@groundcrew/plugin-infra-common';

export type { GcpBillingAccount };

/**
 * An IAM policy of a project. `etag` makes a write fail (409) when someone changed it meanwhile.
 *
 * @public
 */
export interface GcpIamPolicy {
  version: number;
  etag: string;
  bindings: Array<{ role: string; members: string[] }>;
}

/**
 * A Container (GKE) operation.
 *
 * @public
 */
export interface GkeOperation {
  /** The full name: `projects/P/locations/L/operations/ID`. */
  name: string;
  /** CREATE_CLUSTER, DELETE_CLUSTER, … */
  type: string;
  /** PENDING, RUNNING, DONE, ABORTING. */
  status: string;
  /** The cluster it acts on (`…/clusters/NAME`). */
  target?: string;
  /** 0 to 100 when GKE reports it. */
  percent?: number;
  /** The stage that is running, when GKE reports stages. */
  stage?: string;
  /** Why it failed, when it did. */
  error?: string;
}

/**
 * What to create a GKE cluster with.
 *
 * @public
 */
export interface GkeClusterSpec {
  name: string;
  releaseChannel: GkeReleaseChannel;
  privateNodes: boolean;
  labels: Record<string, string>;
  nodePools: Array<Omit<GkeNodePool, 'status'>>;
}

/**
 * What a long wait tells as it goes, and how it is stopped.
 *
 * @public
 */
export interface GcpWaitOptions {
  /** Called when the operation's state or progress changes. */
  onProgress?: (message: string) => void;
  /** Give up after this long (a ServiceUnavailableError that says so). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A resource Cloud Asset Inventory's `searchAllResources` found, with the parts of its full
 * resource name.
 *
 * @public
 */
export interface GcpAsset {
  /** `cloudresourcemanager.googleapis.com/Project`, `serviceusage.googleapis.com/Service`, … */
  assetType: string;
  /** The full resource name: `//container.googleapis.com/projects/P/locations/L/clusters/N`. */
  fullName: string;
  /** The number of the project it belongs to ('' when none). */
  projectNumber: string;
  /**
   * The project id, where the result carries it: in the name (clusters, Cloud Run services) or, for
   * a project, its `projectId` attribute. Service Usage names only the number.
   */
  projectId?: string;
  /** The last segment of the name: a service's API, a cluster's or a Cloud Run service's name. */
  name: string;
  /** `global`, a region or a zone ('' when the resource has none). */
  location: string;
  displayName: string;
  labels: Record<string, string>;
  /** As the resource states it: `ENABLED`, `RUNNING`, `ACTIVE`, … ('' when none). */
  state: string;
}

/**
 * GCP as Groundcrew uses it: Resource Manager, Cloud Billing, Service Usage, IAM, GKE, Cloud Run and
 * Cloud Asset Inventory, through Google's own clients. Errors are @backstage/errors types (InputError for what GCP refuses as
 * invalid, NotAllowedError for permission denied, ConflictError for already exists / a stale etag,
 * ServiceUnavailableError when GCP keeps rate-limiting or an operation times out). 429 and 503 are
 * retried with back-off first.
 *
 * @public
 */
export interface GcpService {
  /** The regions offered for clusters (config `groundcrew.gcp.regions`). */
  regions(): string[];

  /** The project, or undefined when it does not exist or Groundcrew cannot see it (GCP tells neither apart). */
  getProject(projectId: string): Promise<GcpProject | undefined>;
  /** Projects Groundcrew can see, filtered by a Resource Manager search query. */
  searchProjects(options?: {
    query?: string;
    limit?: number;
  }): Promise<GcpProject[]>;
  /** Creates a project and waits for the operation. */
  createProject(
    input: {
      projectId: string;
      displayName: string;
      parent: string;
      labels: Record<string, string>;
    },
    options?: GcpWaitOptions,
  ): Promise<GcpProject>;
  /** Replaces the project's labels and waits for the operation. */
  updateProjectLabels(
    projectId: string,
    labels: Record<string, string>,
    options?: GcpWaitOptions,
  ): Promise<GcpProject>;
  /** The folder or organization's display name, or undefined when Groundcrew cannot see it. */
  getParent(
    parent: string,
  ): Promise<{ name: string; displayName: string } | undefined>;

  /** Billing accounts Groundcrew may link projects to. */
  listBillingAccounts(): Promise<GcpBillingAccount[]>;
  getProjectBilling(
    projectId: string,
  ): Promise<{ billingAccountName?: string; billingEnabled: boolean }>;
  setProjectBilling(
    projectId: string,
    billingAccountName: string,
  ): Promise<void>;

  /** Service names (`container.googleapis.com`) enabled on the project. */
  listEnabledServices(projectId: string): Promise<string[]>;
  /** Enables services and waits for the operation. */
  enableServices(
    projectId: string,
    services: string[],
    options?: GcpWaitOptions,
  ): Promise<void>;

  getIamPolicy(projectId: string): Promise<GcpIamPolicy>;
  /** Writes the policy; ConflictError when its etag is stale. */
  setIamPolicy(projectId: string, policy: GcpIamPolicy): Promise<GcpIamPolicy>;

  /** The cluster, or undefined when there is none with that name. */
  getCluster(ref: {
    projectId: string;
    location: string;
    name: string;
  }): Promise<GkeCluster | undefined>;
  /** Clusters of a project, in one location or (`-`, the default) all. */
  listClusters(ref: {
    projectId: string;
    location?: string;
  }): Promise<GkeCluster[]>;
  /** Starts creating a cluster; poll with {@link GcpService.waitForClusterOperation}. */
  createCluster(ref: {
    projectId: string;
    location: string;
    cluster: GkeClusterSpec;
  }): Promise<GkeOperation>;
  /** Starts deleting a cluster; poll with {@link GcpService.waitForClusterOperation}. */
  deleteCluster(ref: {
    projectId: string;
    location: string;
    name: string;
  }): Promise<GkeOperation>;
  /** Operations of a project in a location (to find one still running after a restart). */
  listClusterOperations(ref: {
    projectId: string;
    location: string;
  }): Promise<GkeOperation[]>;
  /** Polls a Container operation until DONE; throws when it failed or timed out. */
  waitForClusterOperation(
    operationName: string,
    options?: GcpWaitOptions,
  ): Promise<GkeOperation>;

  /** The Cloud Run service, or undefined when there is none with that name. */
  getRunService(ref: CloudRunServiceRef): Promise<CloudRunService | undefined>;
  /**
   * Creates a Cloud Run service and waits for its first revision to be ready (ConflictError when
   * it exists; the error of the rollout when it fails — the service then exists, not ready, and
   * {@link GcpService.updateRunService} rolls it out again).
   */
  createRunService(
    ref: CloudRunServiceRef,
    spec: CloudRunServiceSpec,
    options?: GcpWaitOptions,
  ): Promise<CloudRunService>;
  /**
   * Replaces the service's labels, annotations, template and traffic, and waits for the rollout.
   * A changed template makes a new revision. Every call is a mutation: callers compare with
   * {@link GcpService.getRunService} first.
   */
  updateRunService(
    ref: CloudRunServiceRef,
    spec: CloudRunServiceSpec,
    options?: GcpWaitOptions,
  ): Promise<CloudRunService>;
  /**
   * Replaces only the service's traffic targets (update mask `traffic`: no new revision) and waits
   * for the rollout. With `etag`, a service changed since it was read is a ConflictError and
   * nothing is written.
   */
  updateRunServiceTraffic(
    ref: CloudRunServiceRef,
    traffic: CloudRunTrafficTarget[],
    options?: GcpWaitOptions & { etag?: string },
  ): Promise<CloudRunService>;
  /**
   * Cloud Run services of a project, in one region or (`-`, the default) all; each answer carries
   * its own region.
   */
  listRunServices(ref: {
    projectId: string;
    location?: string;
  }): Promise<CloudRunService[]>;
  /** The service's revisions, newest first (NotFoundError when the service does not exist). */
  listRunRevisions(ref: CloudRunServiceRef): Promise<CloudRunRevision[]>;
  /** Deletes the service (and its revisions) and waits for the operation. */
  deleteRunService(
    ref: CloudRunServiceRef,
    options?: GcpWaitOptions,
  ): Promise<void>;

  /**
   * Resources of the given types under an organization, folder or project, through Cloud Asset
   * Inventory's `searchAllResources` (permission `cloudasset.assets.searchAllResources` on the
   * scope; NotAllowedError without it). Paged on demand: one call per `pageSize` results (default
   * and at most 500), each retried like any other call.
   */
  searchAssets(options: {
    /** `organizations/<n>`, `folders/<n>` or `projects/<id or number>`. */
    scope: string;
    /** Asset types (RE2 patterns allowed); empty: every type. */
    assetTypes: string[];
    pageSize?: number;
    /**
     * The result fields to read (the request's `readMask`, e.g. `['name', 'assetType',
     * 'project', 'state']`); the others come back empty. Default: Google's default fields.
     * Fewer fields are fewer bytes to send and decode: a search of 100,000 results is mostly
     * decoding.
     */
    fields?: string[];
  }): AsyncIterable<GcpAsset>;
}
