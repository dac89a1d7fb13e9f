import fs from 'node:fs';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** @public */
export type VaultAuth =
  | { type: 'token'; token: string }
  | {
      type: 'kubernetes';
      role: string;
      /** The service-account token file, read at every login (projected tokens rotate). */
      jwtFile: string;
      /** The auth mount (default `kubernetes`). */
      mountPoint: string;
    };

/**
 * `groundcrew.vault`, read and checked.
 *
 * @public
 */
export interface VaultConfig {
  endpoint: string;
  /** Vault Enterprise namespace. */
  namespace?: string;
  caPem?: string;
  auth: VaultAuth;
  /** Requests in flight at once. */
  maxConcurrency: number;
  /** How long metadata answers are kept (0: not at all). */
  metadataCacheTtlMs: number;
  requestTimeoutMs: number;
  /** Renew the portal's token when this fraction of its TTL has passed. */
  renewFraction: number;
  /** The Vault UI links point here (default: the endpoint). */
  uiUrl: string;
}

const KEY = 'groundcrew.vault';

function number(
  c: Config,
  key: string,
  fallback: number,
  { min, max }: { min: number; max: number },
): number {
  const v = c.getOptionalNumber(key);
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new InputError(
      `${KEY}.${key} must be a number from ${min} to ${max}, got ${v}`,
    );
  }
  return v;
}

/**
 * Reads `groundcrew.vault`; undefined when Vault is not configured. Throws an InputError naming
 * the key for an invalid value, so the backend stops at start-up.
 *
 * @public
 */
export function readVaultConfig(root: Config): VaultConfig | undefined {
  const c = root.getOptionalConfig(KEY);
  if (!c) return undefined;
  const endpoint = c.getString('endpoint');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(`${KEY}.endpoint is not a valid URL: "${endpoint}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      `${KEY}.endpoint must be an http(s) URL, got "${endpoint}"`,
    );
  }
  let caPem = c.getOptionalString('caData');
  const caFile = c.getOptionalString('caFile');
  if (caFile !== undefined) {
    try {
      caPem = fs.readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new InputError(
        `${KEY}.caFile cannot be read: ${
          (e as NodeJS.ErrnoException).code ?? e
        }`,
      );
    }
  }
  const type = c.getOptionalString('auth.type') ?? 'token';
  let auth: VaultAuth;
  if (type === 'token') {
    const token = c.getOptionalString('auth.token');
    if (!token)
      throw new InputError(`${KEY}.auth.token is required for auth.type token`);
    auth = { type: 'token', token };
  } else if (type === 'kubernetes') {
    const role = c.getOptionalString('auth.role');
    if (!role)
      throw new InputError(
        `${KEY}.auth.role is required for auth.type kubernetes`,
      );
    auth = {
      type: 'kubernetes',
      role,
      jwtFile:
        c.getOptionalString('auth.jwtFile') ??
        '/var/run/secrets/kubernetes.io/serviceaccount/token',
      mountPoint: c.getOptionalString('auth.mountPoint') ?? 'kubernetes',
    };
  } else {
    throw new InputError(
      `${KEY}.auth.type must be token or kubernetes, got "${type}"`,
    );
  }
  const uiUrl = (c.getOptionalString('uiUrl') ?? endpoint).replace(/\/+$/, '');
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    namespace: c.getOptionalString('namespace'),
    caPem,
    auth,
    maxConcurrency: number(c, 'maxConcurrency', 8, { min: 1, max: 256 }),
    metadataCacheTtlMs:
      number(c, 'metadataCacheSeconds', 15, { min: 0, max: 3600 }) * 1000,
    requestTimeoutMs:
      number(c, 'requestTimeoutSeconds', 10, { min: 1, max: 300 }) * 1000,
    renewFraction: number(c, 'renewFraction', 0.7, { min: 0.1, max: 0.95 }),
    uiUrl,
  };
}
