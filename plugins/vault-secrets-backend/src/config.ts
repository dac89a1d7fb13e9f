import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { parseDuration } from './service/freshness';

/** `groundcrew.vaultSecrets`, checked, with its defaults filled in. */
export interface VaultSecretsConfig {
  /** KV v2 mounts the portal may list for an entity; an annotation naming another is a 400. */
  mounts: string[];
  /** The engine of `vault.io/secrets-path` when `vault.io/secrets-engine` is absent. */
  defaultMount: string;
  /** Lease prefixes must start with one of these (default `database/creds/`). */
  leasePrefixes: string[];
  maxDepth: number;
  maxSecrets: number;
  maxLeases: number;
  rotation: {
    defaultPeriodSeconds: number;
    /** Due once this fraction of the period has passed. */
    dueFraction: number;
    /** Longest matching prefix (`mount/path`) wins. */
    paths: Array<{ prefix: string; periodSeconds: number }>;
  };
}

const ROOT = 'groundcrew.vaultSecrets';

function bounded(
  config: RootConfigService,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = config.getOptionalNumber(`${ROOT}.${key}`);
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new InputError(
      `${ROOT}.${key} must be a number from ${min} to ${max}, got ${v}`,
    );
  }
  return v;
}

function duration(key: string, text: string): number {
  try {
    const s = parseDuration(text);
    if (s <= 0) throw new Error('not positive');
    return s;
  } catch {
    throw new InputError(
      `${ROOT}.${key} must be a duration such as 30d or 720h, got "${text}"`,
    );
  }
}

export function readVaultSecretsConfig(
  config: RootConfigService,
): VaultSecretsConfig {
  const mounts = config.getOptionalStringArray(`${ROOT}.mounts`) ?? ['secret'];
  mounts.forEach((m, i) => {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(m)) {
      throw new InputError(`${ROOT}.mounts[${i}] is not a mount name: "${m}"`);
    }
  });
  const defaultMount =
    config.getOptionalString(`${ROOT}.defaultMount`) ?? mounts[0] ?? 'secret';
  const paths = (
    config.getOptionalConfigArray(`${ROOT}.rotation.paths`) ?? []
  ).map((c, i) => ({
    prefix: c.getString('prefix').replace(/\/+$/, ''),
    periodSeconds: duration(
      `rotation.paths[${i}].period`,
      c.getString('period'),
    ),
  }));
  return {
    mounts,
    defaultMount,
    leasePrefixes: (
      config.getOptionalStringArray(`${ROOT}.leasePrefixes`) ?? [
        'database/creds/',
      ]
    ).map(p => (p.endsWith('/') ? p : `${p}/`)),
    maxDepth: bounded(config, 'maxDepth', 5, 1, 20),
    maxSecrets: bounded(config, 'maxSecrets', 200, 1, 5000),
    maxLeases: bounded(config, 'maxLeases', 50, 0, 1000),
    rotation: {
      defaultPeriodSeconds: duration(
        'rotation.defaultPeriod',
        config.getOptionalString(`${ROOT}.rotation.defaultPeriod`) ?? '90d',
      ),
      dueFraction: bounded(config, 'rotation.dueFraction', 0.8, 0.1, 1),
      paths,
    },
  };
}
