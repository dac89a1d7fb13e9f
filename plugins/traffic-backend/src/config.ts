import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** `groundcrew.traffic`, checked and with its defaults filled in. */
export interface TrafficConfig {
  stream: { heartbeatMs: number; debounceMs: number };
}

const ROOT = 'groundcrew.traffic';

function numberIn(
  config: RootConfigService,
  key: string,
  range: { min: number; max: number; fallback: number },
): number {
  const raw = config.getOptional(`${ROOT}.${key}`);
  if (raw === undefined) return range.fallback;
  const value =
    typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max
  ) {
    throw new InputError(
      `${ROOT}.${key} must be a number from ${range.min} to ${
        range.max
      }, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Reads and checks `groundcrew.traffic`; an invalid value stops the plugin naming the key. */
export function readTrafficConfig(config: RootConfigService): TrafficConfig {
  return {
    stream: {
      heartbeatMs:
        numberIn(config, 'stream.heartbeatSeconds', {
          min: 1,
          max: 20,
          fallback: 15,
        }) * 1000,
      debounceMs: numberIn(config, 'stream.debounceMs', {
        min: 1,
        max: 10_000,
        fallback: 100,
      }),
    },
  };
}
