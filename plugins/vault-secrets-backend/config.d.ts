export interface Config {
  groundcrew?: {
    /** The Secrets tab (plugin vault-secrets). Vault itself is `groundcrew.vault`. */
    vaultSecrets?: {
      /**
       * KV v2 mounts the portal lists for entities (default `[secret]`); an entity annotation that
       * names another mount is refused with a 400.
       */
      mounts?: string[];
      /** The engine of the community `vault.io/secrets-path` when `vault.io/secrets-engine` is absent. */
      defaultMount?: string;
      /** `groundcrew.io/vault-lease-prefix` must start with one of these (default `[database/creds/]`). */
      leasePrefixes?: string[];
      /** Folder depth listed under an entity path (default 5). */
      maxDepth?: number;
      /** Secrets shown per entity (default 200). */
      maxSecrets?: number;
      /** Leases shown per entity (default 50). */
      maxLeases?: number;
      rotation?: {
        /** When a secret has no `custom_metadata.rotation_period` and no path rule: default `90d`. */
        defaultPeriod?: string;
        /** Due once this fraction of the period has passed (default 0.8). */
        dueFraction?: number;
        /** Rotation periods by path prefix (`mount/path`); the longest match wins. */
        paths?: Array<{ prefix: string; period: string }>;
      };
    };
  };
}
