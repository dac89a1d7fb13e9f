import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  groundcrew?: {
    /**
     * Portal search of infrastructure: services, clusters, GCP projects and Vault paths (names
     * only), indexed as the search type `groundcrew-infra`.
     */
    search?: {
      /** How often the index is rebuilt. Default: every 10 minutes, 10 s after start. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * A Resource Manager search query picking the projects to index, e.g. `parent:folders/123`.
       * Default: every project Groundcrew can see.
       */
      projectQuery?: string;
      /** At most this many projects, 1 to 1,000,000. Default 10,000. */
      maxProjects?: number;
      /** Calls to GCP (per project) and Vault (per folder) in flight at once, 1 to 64. Default 16. */
      concurrency?: number;
      /** How long a run waits for the Kubernetes watch cache's first sync, 0 to 3600. Default 60. */
      cacheSyncTimeoutSeconds?: number;
      /**
       * Where Cloud Asset Inventory searches for the projects' enabled APIs, GKE clusters and Cloud
       * Run services in one pass: `organizations/<number>`, `folders/<number>` or
       * `projects/<project id>`. The portal's credentials need `cloudasset.assets.searchAllResources`
       * on it (without, a warning and the per-project reads). Projects outside it are read per
       * project. Default: unset, one Service Usage call per project (and GKE / Cloud Run calls
       * where the API is enabled).
       */
      assetScope?: string;
    };
  };
}
