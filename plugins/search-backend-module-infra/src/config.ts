import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

const ROOT = 'groundcrew.search';

/** `groundcrew.search`, checked and with its defaults filled in. */
export interface InfraSearchSettings {
  /** A Resource Manager search query that picks the projects to index (empty: every visible one). */
  projectQuery: string;
  maxProjects: number;
  /** Calls to GCP (per project) and Vault (per folder) in flight at once. */
  concurrency: number;
  /** How long a run waits for the watch cache's first sync. */
  cacheSyncTimeoutMs: number;
  /**
   * `organizations/<n>`, `folders/<n>` or `projects/<id>`: read projects' enabled APIs, clusters
   * and Cloud Run services with one Cloud Asset Inventory search of it. Unset: per project.
   */
  assetScope?: string;
}

export const DEFAULT_SEARCH_SETTINGS: InfraSearchSettings = {
  projectQuery: '',
  maxProjects: 10_000,
  concurrency: 16,
  cacheSyncTimeoutMs: 60_000,
};

export const DEFAULT_SEARCH_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 10 },
};

/** What `searchAllResources` accepts as a scope, as Groundcrew uses it (a project by id). */
const ASSET_SCOPE_RE =
  /^(organizations|folders)\/\d+$|^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

function assetScope(config: RootConfigService): string | undefined {
  const key = `${ROOT}.assetScope`;
  const value = config.getOptionalString(key);
  if (value === undefined || value === '') return undefined;
  if (!ASSET_SCOPE_RE.test(value)) {
    throw new InputError(
      `${key} must be organizations/<number>, folders/<number> or projects/<project id>, got "${value}"`,
    );
  }
  return value;
}

function wholeNumber(
  config: RootConfigService,
  key: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = config.getOptionalNumber(`${ROOT}.${key}`) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      `${ROOT}.${key} must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/** Reads `groundcrew.search`; errors name the key. */
export function readInfraSearchConfig(config: RootConfigService): {
  schedule: SchedulerServiceTaskScheduleDefinition;
  settings: InfraSearchSettings;
} {
  let schedule = DEFAULT_SEARCH_SCHEDULE;
  const scheduleConfig = config.getOptionalConfig(`${ROOT}.schedule`);
  if (scheduleConfig) {
    try {
      schedule =
        readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
    } catch (e) {
      throw new InputError(`${ROOT}.schedule is invalid: ${e}`);
    }
  }
  return {
    schedule,
    settings: {
      projectQuery:
        config.getOptionalString(`${ROOT}.projectQuery`) ??
        DEFAULT_SEARCH_SETTINGS.projectQuery,
      maxProjects: wholeNumber(
        config,
        'maxProjects',
        1,
        1_000_000,
        DEFAULT_SEARCH_SETTINGS.maxProjects,
      ),
      concurrency: wholeNumber(
        config,
        'concurrency',
        1,
        64,
        DEFAULT_SEARCH_SETTINGS.concurrency,
      ),
      cacheSyncTimeoutMs:
        wholeNumber(
          config,
          'cacheSyncTimeoutSeconds',
          0,
          3600,
          DEFAULT_SEARCH_SETTINGS.cacheSyncTimeoutMs / 1000,
        ) * 1000,
      assetScope: assetScope(config),
    },
  };
}
