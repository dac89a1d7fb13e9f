import type { SecretFreshness } from '@groundcrew/plugin-infra-common';

/** Vault-style durations: `30s`, `15m`, `720h`, `30d`, `2w`, `1h30m`, or bare seconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(w|d|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total +=
      Number(m[1]) *
      { w: 604800, d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'w']!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== t.length)
    throw new Error(`invalid duration "${text}"`);
  return total;
}

/** fresh → due (past `dueFraction` of the period) → overdue (past the period). */
export function freshnessOf(options: {
  ageSeconds: number;
  periodSeconds: number;
  dueFraction: number;
}): SecretFreshness {
  const { ageSeconds, periodSeconds, dueFraction } = options;
  if (ageSeconds >= periodSeconds) return 'overdue';
  if (ageSeconds >= periodSeconds * dueFraction) return 'due';
  return 'fresh';
}
