/** One version of a KV v2 secret. `data` holds the value: only `…/data/…` ever answers it. */
export interface VaultKvVersion {
  createdTime: string;
  /** Soft-deleted at this time (undelete brings it back). */
  deletionTime?: string;
  destroyed: boolean;
  data?: Record<string, string>;
}

export interface VaultKvSecret {
  mount: string;
  path: string;
  versions: Record<number, VaultKvVersion>;
  currentVersion: number;
  maxVersions: number;
  casRequired: boolean;
  /** A Vault duration (`0s` = never). */
  deleteVersionAfter: string;
  customMetadata: Record<string, string> | null;
  createdTime: string;
  updatedTime: string;
}

export interface VaultTokenRecord {
  token: string;
  accessor: string;
  policies: string[];
  displayName: string;
  /** TTL given at creation and at every renewal without increment; 0 = never expires. */
  ttlSeconds: number;
  /** Epoch ms; undefined for a token that never expires. */
  expireTime?: number;
  issueTime: number;
  renewable: boolean;
  meta?: Record<string, string>;
}

export interface VaultLeaseRecord {
  /** `database/creds/<role>/<suffix>` */
  id: string;
  issueTime: number;
  expireTime: number;
  renewable: boolean;
}

export interface VaultKubernetesRole {
  name: string;
  boundServiceAccountNames: string[];
  boundServiceAccountNamespaces: string[];
  policies: string[];
  ttlSeconds: number;
}

export interface VaultMountRecord {
  /** Without the trailing slash. */
  path: string;
  type: 'kv' | 'database' | 'pki' | 'transit';
  /** `2` for KV v2 mounts. */
  version?: '1' | '2';
  description?: string;
}

/** A secret as a fixture gives it: version ages relative to the time it is loaded. */
export interface VaultFixtureSecret {
  mount: string;
  path: string;
  versions: Array<{
    /** How long ago the version was written. */
    ageSeconds: number;
    data: Record<string, string>;
    destroyed?: boolean;
    deleted?: boolean;
  }>;
  customMetadata?: Record<string, string>;
  maxVersions?: number;
  deleteVersionAfter?: string;
}

export interface VaultFixture {
  mounts?: VaultMountRecord[];
  secrets?: VaultFixtureSecret[];
  /** ACL policies: name → HCL text (`path "…" { capabilities = [ … ] }`). */
  policies?: Record<string, string>;
  tokens?: Array<{
    token: string;
    policies: string[];
    /** Default 0: never expires. */
    ttlSeconds?: number;
    renewable?: boolean;
    displayName?: string;
  }>;
  leases?: Array<{
    id: string;
    ttlSeconds: number;
    issuedSecondsAgo?: number;
    renewable?: boolean;
  }>;
  kubernetesRoles?: VaultKubernetesRole[];
}

/** What `/_sandbox/vault/state` sets: the server's own condition. */
export interface VaultCondition {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  performanceStandby: boolean;
}
