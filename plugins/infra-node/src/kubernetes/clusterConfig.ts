import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { wholeNumber } from '../configValues';

/**
 * How Groundcrew authenticates to a cluster. Tokens are never stored in the database: a registered
 * cluster names a credential from config, or a token file on the backend's disk.
 *
 * @public
 */
export type ClusterAuth =
  | { type: 'token'; token: string }
  | { type: 'tokenFile'; path: string }
  | { type: 'credential'; name: string };

/**
 * A cluster with what is needed to reach it.
 *
 * @public
 */
export interface ClusterDefinition {
  name: string;
  url: string;
  /** PEM of the CA that signed the API server's certificate. */
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  auth: ClusterAuth;
  labels: Record<string, string>;
}

/**
 * How the watch cache lists: `groundcrew.kubernetes.cache`.
 *
 * @public
 */
export interface CacheConfig {
  /** Objects per page of a list. */
  listPageSize: number;
  /** Lists in flight at once across the whole fleet. */
  listConcurrency: number;
  /** Deadline of each request to an API server (a list page, the start of a watch). */
  requestTimeoutSeconds: number;
  /** A watch that sends no event and no bookmark this long is opened again. */
  watchSilenceSeconds: number;
}

/**
 * What the cache lists with when `groundcrew.kubernetes.cache` says nothing.
 *
 * @public
 */
export const DEFAULT_CACHE_CONFIG: Readonly<CacheConfig> = Object.freeze({
  listPageSize: 500,
  listConcurrency: 4,
  requestTimeoutSeconds: 5,
  watchSilenceSeconds: 120,
});

/** @internal */
export interface FleetConfig {
  clusters: ClusterDefinition[];
  credentials: Map<string, string>;
  syncIntervalMs: number;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ROOT = 'groundcrew.kubernetes';

function fail(key: string, problem: string): never {
  throw new InputError(`${key} ${problem}`);
}

/**
 * Checks a cluster name and URL; the key names the place the value came from, so the message says
 * exactly what to fix.
 *
 * @internal
 */
export function checkClusterEndpoint(key: string, name: string, url: string) {
  if (!CLUSTER_NAME.test(name) || name.length > 63) {
    fail(
      `${key}.name`,
      `must be a DNS label (lower-case letters, digits and '-', at most 63 characters), got "${name}"`,
    );
  }
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) {
    fail(`${key}.url`, `is not a valid URL: "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    fail(`${key}.url`, `must be an http(s) URL, got "${url}"`);
  }
}

function readLabels(config: Config, key: string): Record<string, string> {
  const labels = config.getOptionalConfig('labels');
  if (!labels) {
    return {};
  }
  return Object.fromEntries(
    labels.keys().map(k => {
      const value = labels.getOptional(k);
      if (typeof value !== 'string') {
        fail(`${key}.labels.${k}`, 'must be a string');
      }
      return [k, value];
    }),
  );
}

function readAuth(config: Config, key: string): ClusterAuth {
  const token = config.getOptionalString('token');
  const tokenFile = config.getOptionalString('serviceAccountTokenFile');
  const credential = config.getOptionalString('credential');
  const given = [token, tokenFile, credential].filter(v => v !== undefined);
  if (given.length !== 1) {
    fail(
      key,
      'needs exactly one of token, serviceAccountTokenFile or credential',
    );
  }
  if (token !== undefined) {
    return { type: 'token', token };
  }
  if (tokenFile !== undefined) {
    return { type: 'tokenFile', path: tokenFile };
  }
  return { type: 'credential', name: credential! };
}

/**
 * Reads and checks `groundcrew.kubernetes`. Every error names the key and what is wrong with it.
 *
 * @internal
 */
export function readFleetConfig(root: Config): FleetConfig {
  const config = root.getOptionalConfig(ROOT);
  const credentials = new Map<string, string>();
  const credentialsConfig = config?.getOptionalConfig('credentials');
  for (const name of credentialsConfig?.keys() ?? []) {
    credentials.set(name, credentialsConfig!.getString(`${name}.token`));
  }
  const seen = new Set<string>();
  const clusters = (config?.getOptionalConfigArray('clusters') ?? []).map(
    (c, i) => {
      const key = `${ROOT}.clusters[${i}]`;
      const name = c.getOptionalString('name');
      const url = c.getOptionalString('url');
      if (!name) fail(`${key}.name`, 'is required');
      if (!url) fail(`${key}.url`, 'is required');
      checkClusterEndpoint(key, name, url);
      if (seen.has(name)) {
        fail(`${key}.name`, `"${name}" is used by another cluster`);
      }
      seen.add(name);
      const auth = readAuth(c, key);
      if (auth.type === 'credential' && !credentials.has(auth.name)) {
        fail(
          `${key}.credential`,
          `names "${auth.name}", which is not under ${ROOT}.credentials`,
        );
      }
      const caData = c.getOptionalString('caData');
      if (caData !== undefined && !caData.includes('BEGIN CERTIFICATE')) {
        fail(`${key}.caData`, 'must be a PEM certificate');
      }
      return {
        name,
        url,
        caData,
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        auth,
        labels: readLabels(c, key),
      };
    },
  );
  const syncSeconds =
    config?.getOptionalNumber('registrySyncIntervalSeconds') ?? 15;
  if (!(syncSeconds > 0)) {
    fail(`${ROOT}.registrySyncIntervalSeconds`, 'must be a positive number');
  }
  return { clusters, credentials, syncIntervalMs: syncSeconds * 1000 };
}

/**
 * Reads `groundcrew.kubernetes.cache`: how the watch cache lists. Smaller pages and fewer lists at
 * once lower the memory peak of the first sync, and make it slower.
 *
 * @internal
 */
export function readCacheConfig(root: Config): CacheConfig {
  const key = (name: keyof CacheConfig) => `${ROOT}.cache.${name}`;
  return {
    listPageSize: wholeNumber(
      root,
      key('listPageSize'),
      DEFAULT_CACHE_CONFIG.listPageSize,
      { min: 10, max: 5000 },
    ),
    listConcurrency: wholeNumber(
      root,
      key('listConcurrency'),
      DEFAULT_CACHE_CONFIG.listConcurrency,
      { min: 1, max: 64 },
    ),
    requestTimeoutSeconds: wholeNumber(
      root,
      key('requestTimeoutSeconds'),
      DEFAULT_CACHE_CONFIG.requestTimeoutSeconds,
      { min: 1, max: 300 },
    ),
    watchSilenceSeconds: wholeNumber(
      root,
      key('watchSilenceSeconds'),
      DEFAULT_CACHE_CONFIG.watchSilenceSeconds,
      { min: 1, max: 3600 },
    ),
  };
}
