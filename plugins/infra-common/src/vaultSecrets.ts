/**
 * What the Secrets tab shows for an entity: Vault metadata only, never a value.
 *
 * @public
 */
export type SecretFreshness =
  | 'fresh'
  | 'due'
  | 'overdue'
  | 'deleted'
  | 'destroyed';

/**
 * The state of Vault as the portal sees it.
 *
 * @public
 */
export type VaultState =
  | 'ok'
  | 'standby'
  | 'sealed'
  | 'uninitialized'
  | 'unreachable'
  | 'not-configured';

/** @public */
export interface SecretPodStatus {
  cluster: string;
  namespace: string;
  name: string;
  /** When the pod started; older than the secret's current version → restart needed. */
  startedAt: string;
  /** The Vault Agent file the secret is rendered to (`agent-inject-secret-<file>`). */
  file: string;
}

/** @public */
export interface SecretStatus {
  mount: string;
  /** Path inside the mount, e.g. `checkout-api/db/password`. */
  path: string;
  currentVersion: number;
  /** Versions Vault still keeps metadata of. */
  versionCount: number;
  destroyedVersions: number[];
  deletedVersions: number[];
  /** When the current version was written. */
  lastRotated: string;
  ageSeconds: number;
  rotationPeriodSeconds: number;
  /** Where the rotation period came from. */
  rotationSource: 'custom_metadata' | 'config' | 'default';
  status: SecretFreshness;
  /** `custom_metadata.owner`. */
  owner?: string;
  uiUrl: string;
  /** Pods that run on an older version of this secret. */
  podsNeedingRestart: SecretPodStatus[];
}

/** @public */
export interface LeaseStatus {
  id: string;
  prefix: string;
  ttlSeconds: number;
  expireTime?: string;
  renewable: boolean;
}

/** @public */
export interface EntitySecretsStatus {
  entityRef: string;
  vault: {
    state: VaultState;
    message?: string;
    version?: string;
    /** The portal's token: seconds left (0 = never expires). */
    tokenTtlSeconds?: number;
    tokenRenewable?: boolean;
  };
  /** The entity's Vault paths (`mount/path`) from its annotations. */
  paths: string[];
  leasePrefixes: string[];
  secrets: SecretStatus[];
  leases: LeaseStatus[];
  counts: Record<SecretFreshness, number>;
  /** More secrets or deeper folders than the backend lists. */
  truncated: boolean;
  /** Paths Vault refused or could not answer, with why. */
  problems: Array<{ path: string; message: string }>;
  generatedAt: string;
}
