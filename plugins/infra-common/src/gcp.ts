/**
 * GCP and GKE facts shared by the template wizard (frontend), the lookup endpoints and the
 * scaffolder actions, so the wizard refuses exactly what the action refuses.
 */

/**
 * A GCP project id: 6 to 30 characters, lower-case letters, digits and hyphens, starting with a
 * letter and not ending with a hyphen (Resource Manager's own rule).
 *
 * @public
 */
export const GCP_PROJECT_ID_PATTERN = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/**
 * Why a project id is invalid, in words a person can act on; undefined when it is valid.
 *
 * @public
 */
export function gcpProjectIdProblem(id: string): string | undefined {
  if (id.length < 6 || id.length > 30) {
    return `must be 6 to 30 characters long (it has ${id.length})`;
  }
  if (!/^[a-z]/.test(id)) return 'must start with a lower-case letter';
  if (/[^a-z0-9-]/.test(id)) {
    return 'may contain only lower-case letters, digits and hyphens';
  }
  if (id.endsWith('-')) return 'must not end with a hyphen';
  return undefined;
}

/**
 * Turns what a person types into the closest valid-looking project id ("AI Gateway Prod" →
 * "ai-gateway-prod"). The wizard formats as you type with it.
 *
 * @public
 */
export function formatGcpProjectId(input: string): string {
  return input
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 30);
}

/**
 * A GKE cluster name: a DNS label of at most 40 characters (GKE's rule), which is also a valid
 * fleet cluster name.
 *
 * @public
 */
export const GKE_CLUSTER_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/**
 * GCP label keys and values: lower-case letters, digits, `_` and `-`, at most 63 characters; keys
 * start with a letter.
 *
 * @public
 */
export const GCP_LABEL_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
/** @public */
export const GCP_LABEL_VALUE_PATTERN = /^[a-z0-9_-]{0,63}$/;

/**
 * The GCP regions GKE runs in, for the region picker. Adopters narrow the list in config
 * (`groundcrew.gcp.regions`).
 *
 * @public
 */
export const GCP_REGIONS: ReadonlyArray<{ id: string; location: string }> = [
  { id: 'us-central1', location: 'Iowa' },
  { id: 'us-east1', location: 'South Carolina' },
  { id: 'us-east4', location: 'Northern Virginia' },
  { id: 'us-west1', location: 'Oregon' },
  { id: 'us-west2', location: 'Los Angeles' },
  { id: 'northamerica-northeast1', location: 'Montréal' },
  { id: 'southamerica-east1', location: 'São Paulo' },
  { id: 'europe-west1', location: 'Belgium' },
  { id: 'europe-west2', location: 'London' },
  { id: 'europe-west3', location: 'Frankfurt' },
  { id: 'europe-west4', location: 'Netherlands' },
  { id: 'europe-north1', location: 'Finland' },
  { id: 'asia-east1', location: 'Taiwan' },
  { id: 'asia-northeast1', location: 'Tokyo' },
  { id: 'asia-south1', location: 'Mumbai' },
  { id: 'asia-southeast1', location: 'Singapore' },
  { id: 'australia-southeast1', location: 'Sydney' },
];

/**
 * A region the cluster wizard offers; `location` is empty for a configured region Groundcrew has no
 * name for.
 *
 * @public
 */
export type GcpRegion = (typeof GCP_REGIONS)[number];

/**
 * A billing account Groundcrew may link projects to.
 *
 * @public
 */
export interface GcpBillingAccount {
  /** `billingAccounts/XXXXXX-XXXXXX-XXXXXX` */
  name: string;
  displayName: string;
  open: boolean;
}

/**
 * A GCP project as Groundcrew shows it.
 *
 * @public
 */
export interface GcpProject {
  projectId: string;
  /** The project number, as a decimal string. */
  projectNumber: string;
  displayName: string;
  /** `folders/…` or `organizations/…`. */
  parent: string;
  state: 'ACTIVE' | 'DELETE_REQUESTED' | 'STATE_UNSPECIFIED';
  labels: Record<string, string>;
}

/**
 * What the wizard's project id field learns from the backend.
 *
 * - `available`: no project with this id is visible to Groundcrew (it may still be taken in
 *   another organization; GCP answers "permission denied" for both, so only the create can tell).
 * - `taken`: a project with this id exists and Groundcrew can see it.
 * - `invalid`: the id breaks GCP's rule; `problem` says how.
 *
 * @public
 */
export type GcpProjectIdAvailability =
  | { projectId: string; status: 'available' }
  | { projectId: string; status: 'taken'; project: GcpProject }
  | { projectId: string; status: 'invalid'; problem: string };

/**
 * A GKE node pool.
 *
 * @public
 */
export interface GkeNodePool {
  name: string;
  machineType: string;
  minNodeCount: number;
  maxNodeCount: number;
  status?: string;
}

/**
 * GKE release channels.
 *
 * @public
 */
export const GKE_RELEASE_CHANNELS = ['RAPID', 'REGULAR', 'STABLE'] as const;

/** @public */
export type GkeReleaseChannel = (typeof GKE_RELEASE_CHANNELS)[number];

/**
 * A GKE cluster as Groundcrew shows it.
 *
 * @public
 */
export interface GkeCluster {
  name: string;
  projectId: string;
  location: string;
  /** PROVISIONING, RUNNING, RECONCILING, STOPPING, ERROR, DEGRADED. */
  status: string;
  statusMessage?: string;
  /** Where the API server answers (`https://<endpoint>`); empty until the cluster runs. */
  endpoint?: string;
  /** PEM of the cluster's CA (public). */
  caCertificatePem?: string;
  releaseChannel?: string;
  privateNodes: boolean;
  nodePools: GkeNodePool[];
  labels: Record<string, string>;
  currentMasterVersion?: string;
}

/**
 * A GKE cluster as the wizard's lookups answer it: no CA certificate, which a browser has no use
 * for.
 *
 * @public
 */
export type GkeClusterSummary = Omit<GkeCluster, 'caCertificatePem'>;
