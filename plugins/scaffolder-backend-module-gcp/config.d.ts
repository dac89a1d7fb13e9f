export interface Config {
  groundcrew?: {
    gcp?: {
      /**
       * Who may create projects (and clusters in projects) under each parent, besides the platform
       * group (`groundcrew.permissions.platformGroup`). A parent that is not listed is the platform
       * group's alone.
       */
      parents?: Array<{
        /** `folders/<id>` or `organizations/<id>`. */
        parent: string;
        /** Catalog group refs, e.g. `group:default/team-ai`. */
        owners: string[];
      }>;
      /** How long `gcp:project:create` waits for each GCP operation. Default 10. */
      projectOperationTimeoutMinutes?: number;
    };
    gke?: {
      /**
       * The entry of `groundcrew.kubernetes.credentials` that clusters created from a template are
       * registered in the fleet with (a reference, never the token itself). Required for
       * `gke:cluster:create`.
       */
      fleetCredential?: string;
      /** How long `gke:cluster:create` waits for GKE's create operation. Default 45. */
      clusterOperationTimeoutMinutes?: number;
    };
  };
}
