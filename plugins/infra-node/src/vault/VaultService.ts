/**
 * Vault through Groundcrew's client: metadata only. There is deliberately no method that reads a
 * KV `…/data/…` path: a secret value never enters the portal.
 *
 * @public
 */
export interface VaultService {
  /** False when `groundcrew.vault` is absent: every call then fails with ServiceUnavailableError. */
  readonly configured: boolean;
  /** Health from `sys/health` (never throws for sealed / standby; throws when unreachable). */
  health(): Promise<VaultHealth>;
  /** The portal's own token: TTL and policies (never the token). */
  tokenInfo(): Promise<VaultTokenInfo>;
  /** Mount paths (without `/`) of the KV v2 mounts the token may see. */
  kvMounts(): Promise<string[]>;
  /**
   * Keys under a folder of a KV v2 mount (`''` for its root); folders end with `/`; [] when none.
   * Answers are kept for `metadataCacheSeconds`; `{ cache: false }` asks Vault and keeps nothing,
   * for a reader that reads each folder once (the search collation lists thousands).
   */
  listSecrets(
    mount: string,
    folder: string,
    options?: { cache?: boolean },
  ): Promise<string[]>;
  /** A secret's KV v2 metadata; undefined when it does not exist. */
  secretMetadata(
    mount: string,
    path: string,
  ): Promise<VaultSecretMetadata | undefined>;
  /** Lease ids under a prefix (`database/creds/app`); [] when none. Needs `list` + `sudo`. */
  listLeases(prefix: string): Promise<string[]>;
  /** undefined when the lease has expired or does not exist. */
  lease(leaseId: string): Promise<VaultLease | undefined>;
  /** A link to the secret in the Vault UI. */
  uiUrl(mount: string, path: string): string;
}

/** @public */
export interface VaultHealth {
  reachable: true;
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  performanceStandby: boolean;
  version?: string;
  clusterName?: string;
}

/** @public */
export interface VaultTokenInfo {
  /** Seconds left; 0 for a token that never expires. */
  ttlSeconds: number;
  expireTime?: string;
  renewable: boolean;
  policies: string[];
}

/** @public */
export interface VaultSecretVersion {
  version: number;
  createdTime: string;
  deletionTime?: string;
  destroyed: boolean;
}

/** @public */
export interface VaultSecretMetadata {
  currentVersion: number;
  oldestVersion: number;
  maxVersions: number;
  createdTime: string;
  updatedTime: string;
  deleteVersionAfter: string;
  customMetadata: Record<string, string>;
  versions: VaultSecretVersion[];
}

/** @public */
export interface VaultLease {
  id: string;
  issueTime: string;
  expireTime?: string;
  ttlSeconds: number;
  renewable: boolean;
}
