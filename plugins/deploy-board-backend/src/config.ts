import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_ENVIRONMENT_LABELS,
  EnvironmentLabels,
} from './service/buildBoard';

/** `groundcrew.deployBoard`, checked and with its defaults filled in. */
export interface DeployBoardConfig {
  environmentLabels: EnvironmentLabels;
  /** How long a positive read check is remembered; 0 asks the catalog on every load. */
  readCheckTtlMs: number;
  stream: {
    heartbeatMs: number;
    debounceMs: number;
    maxBufferedBytes: number;
  };
}

const ROOT = 'groundcrew.deployBoard';

/**
 * The ranges of the numeric keys, relative to {@link ROOT}; the defaults are inside them. The
 * heartbeat stays at most 20 s: the frontend takes a stream silent for 45 s as dead and reconnects.
 */
export const DEPLOY_BOARD_LIMITS = {
  readCheckCacheSeconds: { min: 0, max: 300, fallback: 5, whole: false },
  'stream.heartbeatSeconds': { min: 1, max: 20, fallback: 15, whole: false },
  'stream.debounceMs': { min: 1, max: 10_000, fallback: 50, whole: true },
  'stream.maxBufferedBytes': {
    min: 64 * 1024,
    max: 256 * 1024 * 1024,
    fallback: 4 * 1024 * 1024,
    whole: true,
  },
} as const;

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function fail(key: string, problem: string): never {
  throw new InputError(`${ROOT}.${key} ${problem}`);
}

function isLabelKey(value: string): boolean {
  const slash = value.lastIndexOf('/');
  const name = slash < 0 ? value : value.slice(slash + 1);
  const prefix = slash < 0 ? undefined : value.slice(0, slash);
  return (
    LABEL_NAME.test(name) &&
    (prefix === undefined ||
      (prefix.length <= 253 && LABEL_PREFIX.test(prefix)))
  );
}

function labelKey(
  config: RootConfigService,
  key: 'cluster' | 'namespace',
): string {
  const value = config.getOptional(`${ROOT}.environmentLabels.${key}`);
  if (value === undefined) return DEFAULT_ENVIRONMENT_LABELS[key];
  if (typeof value !== 'string' || !isLabelKey(value)) {
    fail(
      `environmentLabels.${key}`,
      `must be a Kubernetes label key, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function numberIn(
  config: RootConfigService,
  key: keyof typeof DEPLOY_BOARD_LIMITS,
): number {
  const { min, max, fallback, whole } = DEPLOY_BOARD_LIMITS[key];
  const raw = config.getOptional(`${ROOT}.${key}`);
  if (raw === undefined) return fallback;
  // A value from an environment variable is a string.
  const value =
    typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (whole && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    fail(
      key,
      `must be a ${
        whole ? 'whole ' : ''
      }number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/**
 * Reads and checks `groundcrew.deployBoard`. An invalid value stops the plugin at start-up with an
 * InputError that names the key: a heartbeat of 0 s, for example, would write to every open stream
 * in a loop.
 */
export function readDeployBoardConfig(
  config: RootConfigService,
): DeployBoardConfig {
  return {
    environmentLabels: {
      cluster: labelKey(config, 'cluster'),
      namespace: labelKey(config, 'namespace'),
    },
    readCheckTtlMs: numberIn(config, 'readCheckCacheSeconds') * 1000,
    stream: {
      heartbeatMs: numberIn(config, 'stream.heartbeatSeconds') * 1000,
      debounceMs: numberIn(config, 'stream.debounceMs'),
      maxBufferedBytes: numberIn(config, 'stream.maxBufferedBytes'),
    },
  };
}
