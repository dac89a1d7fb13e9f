import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  groundcrew?: {
    /**
     * The catalog's infrastructure provider (GCP projects, Kubernetes clusters, Runway services).
     * Checked at start-up: an invalid value stops the backend with an error that names the key,
     * e.g. `groundcrew.catalog.schedule is invalid: …`.
     */
    catalog?: {
      /**
       * When the provider reads its sources. Default: every 5 minutes, timeout 3 minutes, first run
       * 15 seconds after start (so the catalog's own locations are processed first). A template
       * that creates a project, cluster or Runway service also triggers a run at once.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How long a newly found Runway service waits before the provider emits its Component, so a
       * template's `catalog:register` (run right after the turn-up) wins. A duration such as
       * `{ minutes: 2 }` (the default) or an ISO 8601 string; `{ seconds: 0 }` emits at once.
       */
      serviceGracePeriod?: { [unit: string]: number } | string;
    };
  };
}
