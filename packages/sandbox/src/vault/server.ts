import { STATUS_CODES } from 'node:http';
import { HttpError, parseJson, sendJson } from '../framework/http';
import type { FaultSpec } from '../framework/faults';
import { ImitationServer } from '../framework/server';
import type { TlsMaterial } from '../framework/tls';
import { installVaultRoutes } from './api';
import { vaultBaseFixture, vaultDemoFixture } from './demo';
import { VaultStore } from './store';
import type { VaultCondition, VaultFixture } from './types';

export interface VaultServerOptions {
  tls: TlsMaterial;
  /** The portal's token (policy `groundcrew-portal`). */
  token: string;
  /** A root token, for tests and seeding. */
  rootToken: string;
  /** Load the demo secrets and leases (default true). */
  demo?: boolean;
  /** More records on top of the demo (or alone with `demo: false`). */
  fixture?: VaultFixture;
  port?: number;
  controlPort?: number;
}

function errorBody(status: number, message: string, fault?: FaultSpec) {
  if (fault)
    return { errors: [fault.message ?? `${status} ${STATUS_CODES[status]}`] };
  if (status === 404) return { errors: [] };
  return { errors: [message] };
}

/**
 * The Vault imitation: the HTTP API subset of Vault 1.17 that node-vault sends for Groundcrew
 * (health, seal status, mounts, KV v2, ACL policies, token self-lookup and renewal, Kubernetes
 * login, leases), over HTTPS with the sandbox CA.
 */
export class VaultServer {
  readonly http: ImitationServer;
  readonly store = new VaultStore();

  constructor(private readonly options: VaultServerOptions) {
    this.http = new ImitationServer({
      name: 'vault',
      tls: options.tls,
      port: options.port,
      controlPort: options.controlPort,
      errorBody,
      onReset: () => this.store.reset(),
      onFixture: body => this.onFixture(body),
    });
    installVaultRoutes({ http: this.http, store: this.store });
    this.http.addControlRoute(
      'POST',
      '/_sandbox/vault/condition',
      async ctx => {
        const b = (parseJson(await ctx.body()) ??
          {}) as Partial<VaultCondition>;
        for (const k of [
          'initialized',
          'sealed',
          'standby',
          'performanceStandby',
        ] as const) {
          if (b[k] !== undefined && typeof b[k] !== 'boolean') {
            throw new HttpError(400, { message: `${k} must be a boolean` });
          }
        }
        this.store.condition = { ...this.store.condition, ...b };
        sendJson(ctx.res, 200, this.store.condition);
      },
    );
    this.http.addControlRoute('GET', '/_sandbox/vault/condition', ctx =>
      sendJson(ctx.res, 200, this.store.condition),
    );
  }

  get url(): string {
    return this.http.url;
  }
  get controlUrl(): string {
    return this.http.controlUrl;
  }
  get token(): string {
    return this.options.token;
  }
  get rootToken(): string {
    return this.options.rootToken;
  }

  async start(): Promise<void> {
    const tokens = {
      token: this.options.token,
      rootToken: this.options.rootToken,
    };
    const base =
      this.options.demo === false
        ? vaultBaseFixture(tokens)
        : vaultDemoFixture(tokens);
    const extra = this.options.fixture ?? {};
    const merged: VaultFixture = { ...base };
    for (const [k, v] of Object.entries(extra)) {
      const key = k as keyof VaultFixture;
      if (key === 'policies')
        merged.policies = {
          ...base.policies,
          ...(v as Record<string, string>),
        };
      else
        (merged[key] as unknown[]) = [
          ...((base[key] as unknown[] | undefined) ?? []),
          ...(v as unknown[]),
        ];
    }
    this.store.setBase(merged);
    await this.http.start();
  }

  async stop(): Promise<void> {
    await this.http.stop();
  }

  private onFixture(body: unknown) {
    const b = (body ?? {}) as { fixture?: VaultFixture; replace?: boolean };
    if (!b.fixture || typeof b.fixture !== 'object') {
      throw new HttpError(400, {
        message: 'body must be { fixture, replace? }',
      });
    }
    try {
      if (b.replace) this.store.setBase(b.fixture);
      else this.store.load(b.fixture);
    } catch (e) {
      throw new HttpError(400, { message: (e as Error).message });
    }
    return { ok: true };
  }
}
