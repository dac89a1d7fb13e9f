import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** `groundcrew.catalog`, checked and with its defaults filled in. */
export interface CatalogInfraConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How long a newly seen Runway service waits before the provider claims its entity. */
  serviceGracePeriodMs: number;
  /** Owner of what has no owner label: `groundcrew.permissions.platformGroup`. */
  platformGroup: string;
}

const ROOT = 'groundcrew.catalog';

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
  // Let the catalog's own locations (examples/, registered repositories) be processed first.
  initialDelay: { seconds: 15 },
};

const DEFAULT_GRACE_MS = 2 * 60_000;

const UNIT_MS = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
} as const;

function fail(key: string, problem: string): never {
  throw new InputError(`${key} ${problem}`);
}

function graceMs(config: RootConfigService): number {
  const key = `${ROOT}.serviceGracePeriod`;
  if (!config.has(key)) return DEFAULT_GRACE_MS;
  let parts: Record<string, number | undefined>;
  try {
    parts = { ...readDurationFromConfig(config, { key }) };
  } catch (error) {
    return fail(
      key,
      `must be a duration such as { minutes: 2 }: ${(error as Error).message}`,
    );
  }
  let ms = 0;
  for (const [unit, value] of Object.entries(parts)) {
    if (value === undefined) continue;
    if (!(unit in UNIT_MS)) {
      fail(key, `must use milliseconds to weeks, not ${unit}`);
    }
    ms += value * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (!Number.isFinite(ms) || ms < 0) fail(key, 'must not be negative');
  return ms;
}

/** Reads `groundcrew.catalog`; an invalid value is an error that names the key. */
export function readCatalogInfraConfig(
  config: RootConfigService,
): CatalogInfraConfig {
  let schedule = DEFAULT_SCHEDULE;
  const scheduleConfig = config.getOptionalConfig(`${ROOT}.schedule`);
  if (scheduleConfig) {
    try {
      schedule =
        readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
    } catch (error) {
      fail(`${ROOT}.schedule`, `is invalid: ${(error as Error).message}`);
    }
  }

  const groupKey = 'groundcrew.permissions.platformGroup';
  const rawGroup =
    config.getOptionalString(groupKey) ?? 'group:default/platform';
  let platformGroup: string;
  try {
    const ref = parseEntityRef(rawGroup, { defaultKind: 'group' });
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') throw new Error();
    platformGroup = stringifyEntityRef(ref);
  } catch {
    return fail(
      groupKey,
      `must be a group entity ref, got ${JSON.stringify(rawGroup)}`,
    );
  }
  return { schedule, serviceGracePeriodMs: graceMs(config), platformGroup };
}
