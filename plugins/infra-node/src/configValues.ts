import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * A whole number from config, `fallback` when absent; anything else outside `range` stops the
 * backend with an InputError naming the full key.
 *
 * @internal
 */
export function wholeNumber(
  root: Config,
  key: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const value = root.getOptional(key);
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < range.min ||
    value > range.max
  ) {
    throw new InputError(
      `${key} must be a whole number from ${range.min} to ${
        range.max
      }, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
