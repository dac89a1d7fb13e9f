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
    },
  };
}
