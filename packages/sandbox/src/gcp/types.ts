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

export type OperationKind =
  | 'createProject'
  | 'updateProject'
  | 'deleteProject'
  | 'batchEnable'
  | 'createCluster'
  | 'deleteCluster';

export const OPERATION_KINDS: readonly OperationKind[] = [
  'createProject',
  'updateProject',
  'deleteProject',
  'batchEnable',
  'createCluster',
  'deleteCluster',
];

export type OperationOutcome = 'succeed' | 'fail' | 'hang';

export interface OperationRecord {
  /**
   * `operations/cp.<n>` (Resource Manager), `operations/acf.p2-<number>-<n>`
   * (Service Usage), `operation-<ms>-<hex>` (Container).
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
}
