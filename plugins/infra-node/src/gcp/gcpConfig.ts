import fs from 'node:fs';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { GCP_REGIONS } from '@groundcrew/plugin-infra-common';

/**
 * How Groundcrew authenticates to GCP.
 *
 * @public
 */
export type GcpAuth =
  | { type: 'applicationDefault' }
  | { type: 'keyFile'; path: string }
  | { type: 'token'; token: string };

/**
 * `groundcrew.gcp`, read and checked.
 *
 * @public
 */
export interface GcpConfig {
  /**
   * One endpoint for every GCP API (`https://host:port`), for a GCP-compatible server such as the
   * sandbox; undefined for Google's own endpoints.
   */
  endpoint?: URL;
  /** PEM of a CA to trust for `endpoint`. */
  caPem?: string;
  auth: GcpAuth;
  /** Attempts of a call answered with 429 / 503 before it fails. */
  retryAttempts: number;
  /** First back-off after a 429 / 503; doubled each time (capped at 32×). */
  retryInitialBackoffMs: number;
  /** How often a long-running operation is polled. */
  operationPollIntervalMs: number;
  /** The regions offered for clusters. */
  regions: string[];
}

/** The values used when `groundcrew.gcp` leaves a key out. */
export const DEFAULT_GCP_CONFIG = Object.freeze({
  retryAttempts: 5,
  retryInitialBackoffMs: 1000,
  operationPollIntervalMs: 2000,
});

function positive(
  config: Config | undefined,
  key: string,
  fallback: number,
  { min, max }: { min: number; max: number },
): number {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InputError(
      `groundcrew.gcp.${key} must be a number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `groundcrew.gcp`. Throws an InputError naming the key for an invalid value, so the backend
 * stops at start-up rather than at the first template run.
 *
 * @public
 */
export function readGcpConfig(root: Config): GcpConfig {
  const c = root.getOptionalConfig('groundcrew.gcp');
  let endpoint: URL | undefined;
  const endpointText = c?.getOptionalString('endpoint');
  if (endpointText !== undefined) {
    try {
      endpoint = new URL(endpointText);
    } catch {
      throw new InputError(
        `groundcrew.gcp.endpoint is not a valid URL: "${endpointText}"`,
      );
    }
    if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
      throw new InputError(
        `groundcrew.gcp.endpoint must be an http(s) URL, got "${endpointText}"`,
      );
    }
  }

  let caPem = c?.getOptionalString('caData');
  const caFile = c?.getOptionalString('caFile');
  if (caFile !== undefined) {
    try {
      caPem = fs.readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new InputError(
        `groundcrew.gcp.caFile cannot be read: ${
          (e as NodeJS.ErrnoException).code ?? e
        }`,
      );
    }
  }

  const token = c?.getOptionalString('credentials.token');
  const keyFile = c?.getOptionalString('credentials.keyFile');
  if (token !== undefined && keyFile !== undefined) {
    throw new InputError(
      'groundcrew.gcp.credentials: give token or keyFile, not both',
    );
  }
  if (token !== undefined && !endpoint) {
    throw new InputError(
      'groundcrew.gcp.credentials.token is only for a GCP-compatible groundcrew.gcp.endpoint; for Google use keyFile or application default credentials',
    );
  }
  let auth: GcpAuth = { type: 'applicationDefault' };
  if (token !== undefined) auth = { type: 'token', token };
  if (keyFile !== undefined) auth = { type: 'keyFile', path: keyFile };

  const known = new Set(GCP_REGIONS.map(r => r.id));
  const regions =
    c?.getOptionalStringArray('regions') ?? GCP_REGIONS.map(r => r.id);
  regions.forEach((r, i) => {
    if (!known.has(r) && !/^[a-z]+-[a-z]+\d+$/.test(r)) {
      throw new InputError(
        `groundcrew.gcp.regions[${i}] is not a GCP region: "${r}"`,
      );
    }
  });

  return {
    endpoint,
    caPem,
    auth,
    retryAttempts: positive(
      c,
      'retry.attempts',
      DEFAULT_GCP_CONFIG.retryAttempts,
      { min: 1, max: 20 },
    ),
    retryInitialBackoffMs:
      positive(
        c,
        'retry.initialBackoffSeconds',
        DEFAULT_GCP_CONFIG.retryInitialBackoffMs / 1000,
        { min: 0, max: 60 },
      ) * 1000,
    operationPollIntervalMs:
      positive(
        c,
        'operationPollIntervalSeconds',
        DEFAULT_GCP_CONFIG.operationPollIntervalMs / 1000,
        { min: 0.01, max: 60 },
      ) * 1000,
    regions,
  };
}
