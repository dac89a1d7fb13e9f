/*
 * The GCP imitation's state, as plain JSON: what the store holds, what a
 * fixture loads and what `<stateDir>/gcp.json` persists. Enum-like fields hold
 * the value names; handlers encode them as the request asks.
 */

/** Someone a bearer token stands for, and what they may see and use. */
export interface GcpPrincipal {
  /** The bearer token that authenticates as this principal. */
  token: string;
  /** IAM member, e.g. `serviceAccount:portal@demo.iam.gserviceaccount.com`. */
  member: string;
  /**
   * Resource names the principal sees, each with everything under it:
   * `organizations/1000`, `folders/1001`, `projects/<projectId>`.
   */
  visible: string[];
  /** Billing accounts (`billingAccounts/…`) the principal may view and link projects to. */
  billingAccounts: string[];
  /**
   * IAM permissions the principal lacks everywhere (`cloudasset.assets.searchAllResources`). The
   * imitation has no roles: a principal holds every other permission on what it sees.
   */
  deniedPermissions?: string[];
}

export interface OrganizationRecord {
  /** `organizations/<number>` */
  name: string;
  displayName: string;
  directoryCustomerId: string;
  createTime: string;
}

export interface FolderRecord {
  /** `folders/<number>` */
  name: string;
  /** `organizations/<n>` or `folders/<n>` */
  parent: string;
  displayName: string;
  createTime: string;
}

export interface IamBinding {
  role: string;
  members: string[];
}

export interface IamPolicyRecord {
  version: number;
  bindings: IamBinding[];
  /** Bumped on every set; the etag is derived from it. */
  revision: number;
}

export type ProjectState = 'ACTIVE' | 'DELETE_REQUESTED';

export interface ProjectRecord {
  projectId: string;
  /** The project number, as a decimal string. */
  number: string;
  parent: string;
  displayName: string;
  labels: Record<string, string>;
  state: ProjectState;
  createTime: string;
  updateTime: string;
  deleteTime?: string;
  /** Bumped on every change; the etag is derived from it. */
  revision: number;
  /** `billingAccounts/…`, or '' when billing is not linked. */
  billingAccountName: string;
  /** Enabled service names (`container.googleapis.com`). */
  services: string[];
  iamPolicy: IamPolicyRecord;
}

export interface BillingAccountRecord {
  /** `billingAccounts/XXXXXX-XXXXXX-XXXXXX` */
  name: string;
  displayName: string;
  open: boolean;
  /** `organizations/<n>` when the account belongs to one. */
  parent: string;
  currencyCode: string;
}

export type ClusterStatus =
  | 'PROVISIONING'
  | 'RUNNING'
  | 'RECONCILING'
  | 'STOPPING'
  | 'ERROR'
  | 'DEGRADED';

export interface NodePoolRecord {
  name: string;
  machineType: string;
  diskSizeGb: number;
  initialNodeCount: number;
  autoscaling?: {
    enabled: boolean;
    minNodeCount: number;
    maxNodeCount: number;
  };
  status: 'PROVISIONING' | 'RUNNING' | 'STOPPING' | 'ERROR';
  version: string;
}

export interface ClusterRecord {
  /** The project id (not the number). */
  project: string;
  /** A region (`us-east1`) or a zone (`us-east1-b`). */
  location: string;
  name: string;
  /** Unique id, as GKE's `id` (hex). */
  id: string;
  description: string;
  status: ClusterStatus;
  statusMessage: string;
  createTime: string;
  nodePools: NodePoolRecord[];
  releaseChannel: 'UNSPECIFIED' | 'RAPID' | 'REGULAR' | 'STABLE' | 'EXTENDED';
  privateNodes: boolean;
  resourceLabels: Record<string, string>;
  network: string;
  subnetwork: string;
  currentMasterVersion: string;
  /** `127.0.0.1:<port>` once the cluster runs (Google's is a bare IP). */
  endpoint: string;
  /** Name of the live Kubernetes imitation that serves this cluster, once it runs. */
  kubernetesName: string;
}

/*
 * Cloud Run Admin API v2 (googleapis google/cloud/run/v2/service.proto,
 * revision.proto, revision_template.proto, k8s.min.proto, traffic_target.proto).
 * The template is kept as the subset of RevisionTemplate the imitation
 * understands, with Cloud Run's defaults filled in.
 */

export interface RunProbeRecord {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  httpGet?: { path?: string; port?: number };
  tcpSocket?: { port?: number };
  grpc?: { port?: number; service?: string };
}

export interface RunContainerRecord {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: Array<{ name: string; value: string }>;
  /** `resources.limits`: `cpu`, `memory` (`1000m`, `512Mi`). */
  limits: Record<string, string>;
  ports: Array<{ name: string; containerPort: number }>;
  startupProbe?: RunProbeRecord;
  livenessProbe?: RunProbeRecord;
}

export interface RunTemplateRecord {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  minInstanceCount: number;
  maxInstanceCount: number;
  serviceAccount: string;
  /** A google.protobuf.Duration in JSON (`300s`). */
  timeout: string;
  maxInstanceRequestConcurrency: number;
  containers: RunContainerRecord[];
}

export type RunTrafficType = 'LATEST' | 'REVISION';

export interface RunTrafficRecord {
  type: RunTrafficType;
  /** Short revision name (`svc-00001-abc`); '' for LATEST. */
  revision: string;
  percent: number;
  tag: string;
}

/** The Ready condition: reconciling, succeeded or failed (with a message). */
export type RunReadyState = 'RECONCILING' | 'SUCCEEDED' | 'FAILED';

export interface RunServiceRecord {
  /** The project id (not the number). */
  project: string;
  /** A region. */
  location: string;
  /** The service id (the last segment of its name). */
  name: string;
  uid: string;
  description: string;
  /** Bumped on every create / update; the etag is derived from it. */
  generation: number;
  /** The generation the last finished operation rolled out. */
  observedGeneration: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: string;
  updateTime: string;
  creator: string;
  lastModifier: string;
  /** `INGRESS_TRAFFIC_ALL` etc., by name. */
  ingress: string;
  /** The template as the last create / update gave it (`revision` is the requested name, or ''). */
  template: RunTemplateRecord & { revision: string };
  /** Requested traffic (LATEST resolves to `latestReadyRevision`). */
  traffic: RunTrafficRecord[];
  /** Traffic as served (set when an operation finishes successfully). */
  trafficStatuses: RunTrafficRecord[];
  /** Short names of revisions. */
  latestCreatedRevision: string;
  latestReadyRevision: string;
  ready: RunReadyState;
  /** Why the service is not ready, when it failed. */
  conditionMessage: string;
  lastTransitionTime: string;
  /** The hash in the service's `*.a.run.app` URL (10 letters / digits). */
  urlHash: string;
  /** Set while a delete operation runs. */
  deleting?: boolean;
}

export interface RunRevisionRecord {
  project: string;
  location: string;
  /** Short service name. */
  service: string;
  /** Short revision name (`svc-00001-abc`). */
  name: string;
  uid: string;
  /** The service generation that created it. */
  generation: number;
  createTime: string;
  creator: string;
  template: RunTemplateRecord;
  ready: RunReadyState;
  conditionMessage: string;
}

export type OperationKind =
  | 'createProject'
  | 'updateProject'
  | 'deleteProject'
  | 'batchEnable'
  | 'createCluster'
  | 'deleteCluster'
  | 'createRunService'
  | 'updateRunService'
  | 'deleteRunService';

export const OPERATION_KINDS: readonly OperationKind[] = [
  'createProject',
  'updateProject',
  'deleteProject',
  'batchEnable',
  'createCluster',
  'deleteCluster',
  'createRunService',
  'updateRunService',
  'deleteRunService',
];

export type OperationOutcome = 'succeed' | 'fail' | 'hang';

export interface OperationRecord {
  /**
   * `operations/cp.<n>` (Resource Manager), `operations/acf.p2-<number>-<n>`
   * (Service Usage), `operation-<ms>-<hex>` (Container),
   * `projects/<id>/locations/<region>/operations/<uuid>` (Cloud Run).
   */
  name: string;
  kind: OperationKind;
  /** The project id the operation is about. */
  project: string;
  /** The principal that started it (IAM member). */
  principal: string;
  startTime: string;
  durationMs: number;
  outcome: OperationOutcome;
  /** Set when the operation failed: the canonical code name and message. */
  error?: { status: string; message: string };
  done: boolean;
  endTime?: string;
  /** Cluster operations: the cluster and its location. */
  cluster?: string;
  location?: string;
  /** batchEnable: the services being enabled. */
  services?: string[];
  /** Cloud Run operations: the service (short name) and the revision they roll out, if any. */
  runService?: string;
  runRevision?: string;
  /** deleteRunService: the service as it was, for the operation's response once it is gone. */
  runServiceSnapshot?: RunServiceRecord;
  /** updateProject: the fields to apply when it completes. */
  update?: { displayName?: string; labels?: Record<string, string> };
}

/** Everything the GCP imitation holds. */
export interface GcpState {
  principals: GcpPrincipal[];
  organizations: OrganizationRecord[];
  folders: FolderRecord[];
  projects: ProjectRecord[];
  billingAccounts: BillingAccountRecord[];
  clusters: ClusterRecord[];
  runServices: RunServiceRecord[];
  runRevisions: RunRevisionRecord[];
  operations: OperationRecord[];
  /** Source of project numbers and operation ids. */
  sequence: number;
}

/**
 * What a fixture gives: any part of the state, with most fields optional
 * (defaults as `yarn start` would create them).
 */
export interface GcpFixture {
  principals?: GcpPrincipal[];
  organizations?: Array<
    Pick<OrganizationRecord, 'name'> & Partial<OrganizationRecord>
  >;
  folders?: Array<
    Pick<FolderRecord, 'name' | 'parent'> & Partial<FolderRecord>
  >;
  projects?: Array<
    Pick<ProjectRecord, 'projectId' | 'parent'> &
      Partial<Omit<ProjectRecord, 'iamPolicy'>> & {
        iamPolicy?: Partial<IamPolicyRecord>;
      }
  >;
  billingAccounts?: Array<
    Pick<BillingAccountRecord, 'name'> & Partial<BillingAccountRecord>
  >;
  clusters?: Array<
    Pick<ClusterRecord, 'project' | 'location' | 'name'> &
      Partial<ClusterRecord>
  >;
  /** Cloud Run services; each needs its revisions in `runRevisions`. */
  runServices?: Array<
    Pick<RunServiceRecord, 'project' | 'location' | 'name' | 'template'> &
      Partial<RunServiceRecord>
  >;
  runRevisions?: Array<
    Pick<
      RunRevisionRecord,
      'project' | 'location' | 'service' | 'name' | 'template'
    > &
      Partial<RunRevisionRecord>
  >;
}
