import fs from 'node:fs';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type nodeVault from 'node-vault';
import { Limiter } from './Limiter';
import type { VaultConfig } from './vaultConfig';
import type {
  VaultHealth,
  VaultLease,
  VaultSecretMetadata,
  VaultService,
  VaultTokenInfo,
} from './VaultService';

type Client = ReturnType<typeof nodeVault>;

/**
 * node-vault (≈ 20 MB with its HTTP stack) is loaded when a Vault client is made, not when this
 * package is imported: a backend without Vault does not pay for it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadNodeVault = (): typeof nodeVault => require('node-vault');

interface VaultResponseError {
  message?: string;
  code?: string;
  response?: { statusCode?: number };
}

/** A path segment list with nothing that could step out of the metadata tree. */
function checkedPath(path: string, field: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const parts = trimmed ? trimmed.split('/') : [];
  if (
    parts.some(p => p === '' || p === '.' || p === '..' || /[?#%\\]/.test(p))
  ) {
    throw new InputError(`${field} is not a valid Vault path: "${path}"`);
  }
  return parts.map(encodeURIComponent).join('/');
}

/**
 * The default {@link VaultService}, on node-vault: token or Kubernetes auth, its own token renewed
 * before expiry, bounded concurrency and a short metadata cache.
 *
 * @public
 */
export class NodeVault implements VaultService {
  readonly configured = true;
  private readonly client: Client;
  private readonly limiter: Limiter;
  private readonly cache = new Map<
    string,
    { at: number; value: Promise<unknown> }
  >();
  private ready: Promise<void> = Promise.resolve();
  private stopped = false;

  static create(options: { config: VaultConfig; logger: LoggerService }) {
    return new NodeVault(options.config, options.logger);
  }

  private constructor(
    private readonly config: VaultConfig,
    private readonly logger: LoggerService,
  ) {
    this.client = loadNodeVault()({
      endpoint: config.endpoint,
      namespace: config.namespace,
      token: config.auth.type === 'token' ? config.auth.token : undefined,
      // Node's HTTP client cannot send Vault's LIST verb: lists are GET ?list=1.
      noCustomHTTPVerbs: true,
      requestOptions: {
        ...(config.caPem ? { ca: config.caPem } : {}),
        timeout: config.requestTimeoutMs,
        // One TLS connection per request slot, kept open between requests: without it every call
        // (a search collation lists thousands of folders) paid a TLS handshake of its own.
        // node-vault's axios sets TCP keep-alive on each request's socket with a 60 s delay, and
        // the agent sets it again with its own `keepAliveMsecs` when the socket goes back to the
        // pool: with the same delay Node skips both (it sets it only when it changes) — with
        // Node's 1 s default that was two system calls per call (0.28 s of 6,250 `LIST` calls).
        agentOptions: {
          keepAlive: true,
          keepAliveMsecs: 60_000,
          maxSockets: config.maxConcurrency,
        },
      },
    });
    this.limiter = new Limiter(config.maxConcurrency);
    this.client.on('token:renewed', () =>
      this.logger.debug('Vault token renewed'),
    );
    this.client.on('token:error:renew', (e: VaultResponseError) => {
      this.logger.warn(`Vault token renewal failed: ${this.describe(e)}`);
      this.reauthenticate();
    });
    this.client.on('token:expired', () => {
      this.logger.warn('Vault token is no longer renewable');
      this.reauthenticate();
    });
    this.start();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.client.stopAllRenewals();
  }

  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs = 1000;

  /** Logs in (Kubernetes) and starts renewal; on failure tries again, backing off up to a minute. */
  private start() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.ready = this.authenticate();
    this.ready.then(
      () => {
        this.retryDelayMs = 1000;
      },
      e => {
        this.logger.error(
          `Vault authentication failed: ${this.describe(
            e,
          )}; retrying in ${Math.round(this.retryDelayMs / 1000)} s`,
        );
        this.retryTimer = setTimeout(() => this.start(), this.retryDelayMs);
        this.retryTimer.unref?.();
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 60_000);
      },
    );
  }

  private async authenticate(): Promise<void> {
    const auth = this.config.auth;
    if (auth.type === 'kubernetes') {
      const jwt = (await fs.promises.readFile(auth.jwtFile, 'utf8')).trim();
      // Without mount_point node-vault 0.12 posts to `auth//login`.
      await this.client.kubernetesLogin({
        role: auth.role,
        jwt,
        mount_point: auth.mountPoint,
      });
    }
    if (this.stopped) return;
    await this.client.startTokenRenewal({
      renewFraction: this.config.renewFraction,
    });
  }

  /** After a failed renewal or an expired token: log in again (Kubernetes) or look the token up again. */
  private reauthenticate() {
    this.start();
  }

  private describe(e: VaultResponseError): string {
    const status = e.response?.statusCode;
    if (status) return `HTTP ${status}`;
    return e.code ?? 'unknown error';
  }

  /** Vault's answer as an error of @backstage/errors; never carries a response body. */
  private toError(e: unknown, what: string): Error {
    const err = e as VaultResponseError;
    const status = err.response?.statusCode;
    if (status === 403) return new NotAllowedError(`Vault denied ${what}`);
    if (status === 503)
      return new ServiceUnavailableError(
        `Vault is sealed or unavailable (${what})`,
      );
    if (status === 429)
      return new ServiceUnavailableError(
        `Vault is rate-limiting requests (${what})`,
      );
    if (status)
      return new ServiceUnavailableError(`Vault answered ${status} to ${what}`);
    return new ServiceUnavailableError(
      `Vault at ${this.config.endpoint} is unreachable (${
        err.code ?? 'no answer'
      })`,
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      await this.ready;
    } catch {
      // Answer what Vault says now rather than the start-up failure; a retry is scheduled.
    }
    try {
      return await this.limiter.run(fn);
    } catch (e) {
      throw this.toError(e, what);
    }
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const ttl = this.config.metadataCacheTtlMs;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.value as Promise<T>;
    const value = load();
    if (ttl > 0) {
      this.cache.set(key, { at: Date.now(), value });
      value.catch(() => this.cache.delete(key));
      if (this.cache.size > 5000) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return value;
  }

  async health(): Promise<VaultHealth> {
    let body: Record<string, unknown>;
    try {
      // Any sys/health answer resolves in node-vault; the status code is the state.
      body = await this.limiter.run(() => this.client.health());
    } catch (e) {
      throw this.toError(e, 'sys/health');
    }
    if (typeof body?.sealed !== 'boolean') {
      const errors = (body as { errors?: unknown })?.errors;
      throw new ServiceUnavailableError(
        `Vault answered sys/health without a health status${
          Array.isArray(errors) ? ' (an error)' : ''
        }`,
      );
    }
    return {
      reachable: true,
      initialized: body.initialized !== false,
      sealed: body.sealed === true,
      standby: body.standby === true,
      performanceStandby: body.performance_standby === true,
      version: typeof body.version === 'string' ? body.version : undefined,
      clusterName:
        typeof body.cluster_name === 'string' ? body.cluster_name : undefined,
    };
  }

  tokenInfo(): Promise<VaultTokenInfo> {
    return this.cached('token', () =>
      this.call('auth/token/lookup-self', async () => {
        const res = await this.client.tokenLookupSelf();
        const d = res.data ?? {};
        return {
          ttlSeconds: Number(d.ttl ?? 0),
          expireTime:
            typeof d.expire_time === 'string' ? d.expire_time : undefined,
          renewable: d.renewable === true,
          policies: Array.isArray(d.policies) ? d.policies.map(String) : [],
        };
      }),
    );
  }

  kvMounts(): Promise<string[]> {
    return this.cached('mounts', () =>
      this.call('sys/mounts', async () => {
        const res = await this.client.mounts();
        const mounts = (res.data ?? res) as Record<
          string,
          { type?: string; options?: { version?: string } | null }
        >;
        return Object.entries(mounts)
          .filter(([, m]) => m && m.type === 'kv' && m.options?.version === '2')
          .map(([path]) => path.replace(/\/+$/, ''))
          .sort();
      }),
    );
  }

  async listSecrets(
    mount: string,
    folder: string,
    options?: { cache?: boolean },
  ): Promise<string[]> {
    const m = checkedPath(mount, 'mount');
    const f = checkedPath(folder, 'folder');
    const path = f ? `${m}/metadata/${f}` : `${m}/metadata`;
    const list = () =>
      this.call(`list ${path}`, async () => {
        try {
          const res = await this.client.list(path);
          return (res.data?.keys ?? []).map(String);
        } catch (e) {
          if ((e as VaultResponseError).response?.statusCode === 404) return [];
          throw e;
        }
      });
    return options?.cache === false
      ? list()
      : this.cached(`list:${path}`, list);
  }

  async secretMetadata(
    mount: string,
    secretPath: string,
  ): Promise<VaultSecretMetadata | undefined> {
    const m = checkedPath(mount, 'mount');
    const p = checkedPath(secretPath, 'path');
    if (!p) throw new InputError('path must name a secret');
    const path = `${m}/metadata/${p}`;
    return this.cached(`meta:${path}`, () =>
      this.call(`read ${path}`, async () => {
        let res;
        try {
          res = await this.client.read(path);
        } catch (e) {
          if ((e as VaultResponseError).response?.statusCode === 404)
            return undefined;
          throw e;
        }
        const d = res.data ?? {};
        const versions = Object.entries(
          (d.versions ?? {}) as Record<
            string,
            {
              created_time?: string;
              deletion_time?: string;
              destroyed?: boolean;
            }
          >,
        )
          .map(([n, v]) => ({
            version: Number(n),
            createdTime: String(v.created_time ?? ''),
            deletionTime: v.deletion_time ? String(v.deletion_time) : undefined,
            destroyed: v.destroyed === true,
          }))
          .sort((a, b) => a.version - b.version);
        const custom = (d.custom_metadata ?? {}) as Record<string, unknown>;
        return {
          currentVersion: Number(d.current_version ?? 0),
          oldestVersion: Number(d.oldest_version ?? 0),
          maxVersions: Number(d.max_versions ?? 0),
          createdTime: String(d.created_time ?? ''),
          updatedTime: String(d.updated_time ?? ''),
          deleteVersionAfter: String(d.delete_version_after ?? '0s'),
          customMetadata: Object.fromEntries(
            Object.entries(custom).map(([k, v]) => [k, String(v)]),
          ),
          versions,
        };
      }),
    );
  }

  async listLeases(prefix: string): Promise<string[]> {
    const p = checkedPath(prefix, 'lease prefix');
    const path = `sys/leases/lookup/${p}/`;
    return this.cached(`leases:${p}`, () =>
      this.call(`list ${path}`, async () => {
        try {
          const res = await this.client.list(path);
          return (res.data?.keys ?? []).map(
            (k: unknown) => `${p}/${String(k)}`,
          );
        } catch (e) {
          if ((e as VaultResponseError).response?.statusCode === 404) return [];
          throw e;
        }
      }),
    );
  }

  async lease(leaseId: string): Promise<VaultLease | undefined> {
    checkedPath(leaseId, 'lease id');
    return this.cached(`lease:${leaseId}`, () =>
      this.call('sys/leases/lookup', async () => {
        let res;
        try {
          res = await this.client.write('sys/leases/lookup', {
            lease_id: leaseId,
          });
        } catch (e) {
          // Vault answers 400 "invalid lease" for one that expired or never existed.
          if ((e as VaultResponseError).response?.statusCode === 400)
            return undefined;
          throw e;
        }
        const d = res.data ?? {};
        return {
          id: String(d.id ?? leaseId),
          issueTime: String(d.issue_time ?? ''),
          expireTime: d.expire_time ? String(d.expire_time) : undefined,
          ttlSeconds: Number(d.ttl ?? 0),
          renewable: d.renewable === true,
        };
      }),
    );
  }

  uiUrl(mount: string, path: string): string {
    return `${this.config.uiUrl}/ui/vault/secrets/${encodeURIComponent(
      mount,
    )}/kv/${encodeURIComponent(path)}/details`;
  }
}
