import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { PLATFORM_GROUP_REF } from '@groundcrew/plugin-infra-common';

/** What the GCP actions read from config, checked at start-up. */
export interface GcpActionsConfig {
  platformGroup: string;
  /** Owners (group refs) of each parent besides the platform group. */
  parentOwners: Map<string, string[]>;
  projectOperationTimeoutMs: number;
  fleetCredential?: string;
  clusterOperationTimeoutMs: number;
}

function minutes(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback * 60_000;
  if (!(value > 0 && value <= 24 * 60)) {
    throw new InputError(
      `${key} must be a number of minutes from 0 to 1440, got ${value}`,
    );
  }
  return value * 60_000;
}

/** Reads the actions' config; an invalid value throws an InputError that names the key. */
export function readGcpActionsConfig(config: Config): GcpActionsConfig {
  const parentOwners = new Map<string, string[]>();
  const parents = config.getOptionalConfigArray('groundcrew.gcp.parents') ?? [];
  parents.forEach((p, i) => {
    const key = `groundcrew.gcp.parents[${i}]`;
    const parent = p.getString('parent');
    if (!/^(folders|organizations)\/\d+$/.test(parent)) {
      throw new InputError(
        `${key}.parent must be folders/<number> or organizations/<number>, got "${parent}"`,
      );
    }
    const owners = p.getStringArray('owners').map((ref, j) => {
      try {
        return `group:${
          parseEntityRef(ref, { defaultKind: 'group' }).namespace
        }/${parseEntityRef(ref, { defaultKind: 'group' }).name}`;
      } catch {
        throw new InputError(
          `${key}.owners[${j}] is not an entity ref: "${ref}"`,
        );
      }
    });
    parentOwners.set(parent, owners);
  });
  return {
    platformGroup:
      config.getOptionalString('groundcrew.permissions.platformGroup') ??
      PLATFORM_GROUP_REF,
    parentOwners,
    projectOperationTimeoutMs: minutes(
      config,
      'groundcrew.gcp.projectOperationTimeoutMinutes',
      10,
    ),
    fleetCredential: config.getOptionalString('groundcrew.gke.fleetCredential'),
    clusterOperationTimeoutMs: minutes(
      config,
      'groundcrew.gke.clusterOperationTimeoutMinutes',
      45,
    ),
  };
}
