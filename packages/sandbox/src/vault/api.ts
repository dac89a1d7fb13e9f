import { randomUUID } from 'node:crypto';
import { HttpError, parseJson, sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import type { ImitationServer } from '../framework/server';
import { Capability, capabilitiesOn } from './policy';
import { parseVaultDuration, VaultStore } from './store';
import type { VaultKvSecret, VaultTokenRecord } from './types';

type Body = Record<string, unknown>;

const VERSION = '1.17.6';
const secs = (ms: number) => Math.max(0, Math.floor(ms / 1000));
const iso = (ms: number) => new Date(ms).toISOString();

export function vaultError(status: number, ...errors: string[]): HttpError {
  return new HttpError(status, { errors });
}

/** Vault's response envelope. */
function envelope(data: unknown, extra: Body = {}) {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...extra,
  };
}

function noContent(ctx: RequestContext) {
  ctx.res.writeHead(204);
  ctx.res.end();
}

async function body(ctx: RequestContext): Promise<Body> {
  const b = parseJson(await ctx.body());
  return b && typeof b === 'object' ? (b as Body) : {};
}

function isList(ctx: RequestContext): boolean {
  const l = ctx.query.get('list');
  return ctx.method === 'LIST' || l === 'true' || l === '1';
}

/**
 * The Vault HTTP API subset Groundcrew's client (node-vault) calls, on the shared framework. Every
 * route under `/v1/` but `sys/health` and `sys/seal-status` needs an `X-Vault-Token` whose policies
 * grant the capability; a sealed Vault answers 503 to them.
 */
export function installVaultRoutes(o: {
  http: ImitationServer;
  store: VaultStore;
}) {
  const { http, store } = o;

  /** Checks sealed state, token and policy; returns the token. */
  const guard = (
    ctx: RequestContext,
    path: string,
    cap: Capability | Capability[],
  ) => {
    if (store.condition.sealed) throw vaultError(503, 'Vault is sealed');
    const header = ctx.req.headers['x-vault-token'];
    const token = store.liveToken(Array.isArray(header) ? header[0] : header);
    if (!token) throw vaultError(403, 'permission denied');
    const caps = capabilitiesOn(store.policyRules(token.policies), path);
    const needed = Array.isArray(cap) ? cap : [cap];
    if (!needed.every(c => caps.has(c))) {
      throw vaultError(403, '1 error occurred:\n\t* permission denied\n\n');
    }
    return token;
  };

  const add = (
    methods: string[],
    pattern: string,
    handler: (ctx: RequestContext) => Promise<void> | void,
    mutation?: boolean,
  ) => {
    for (const m of methods) {
      http.addRoute(
        m,
        pattern,
        handler,
        mutation === undefined ? undefined : { mutation },
      );
    }
  };

  // --- sys/health and seal-status: no token, status code carries the state ---
  const health = (ctx: RequestContext) => {
    const c = store.condition;
    const q = ctx.query;
    const code = (name: string, fallback: number) => {
      const v = q.get(name);
      const n = v === null ? NaN : Number(v);
      return Number.isInteger(n) && n >= 100 && n < 600 ? n : fallback;
    };
    const bool = (name: string) => {
      const v = q.get(name);
      return v === '' || v === 'true' || v === '1';
    };
    const active = code('activecode', 200);
    let status: number;
    if (!c.initialized) status = code('uninitcode', 501);
    else if (c.sealed) status = code('sealedcode', 503);
    else if (c.performanceStandby)
      status = bool('perfstandbyok')
        ? active
        : code('performancestandbycode', 473);
    else if (c.standby)
      status = bool('standbyok') ? active : code('standbycode', 429);
    else status = active;
    const payload = {
      initialized: c.initialized,
      sealed: c.sealed,
      standby: c.standby || c.performanceStandby,
      performance_standby: c.performanceStandby,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: secs(Date.now()),
      version: VERSION,
      cluster_name: 'vault-cluster-sandbox',
      cluster_id: store.clusterId,
    };
    if (ctx.method === 'HEAD') {
      ctx.res.writeHead(status);
      ctx.res.end();
      return;
    }
    sendJson(ctx.res, status, payload);
  };
  http.addRoute('GET', '/v1/sys/health', health);
  http.addRoute('HEAD', '/v1/sys/health', health);
  http.addRoute('GET', '/v1/sys/seal-status', ctx =>
    sendJson(ctx.res, 200, {
      type: 'shamir',
      initialized: store.condition.initialized,
      sealed: store.condition.sealed,
      t: 3,
      n: 5,
      progress: 0,
      nonce: '',
      version: VERSION,
      build_date: '2024-09-26T12:37:10Z',
      migration: false,
      cluster_name: 'vault-cluster-sandbox',
      cluster_id: store.clusterId,
      recovery_seal: false,
      storage_type: 'raft',
    }),
  );

  // --- sys/mounts ---
  http.addRoute('GET', '/v1/sys/mounts', ctx => {
    guard(ctx, 'sys/mounts', 'read');
    const mounts: Record<string, unknown> = {};
    for (const m of store.mounts.values()) {
      mounts[`${m.path}/`] = {
        type: m.type,
        description: m.description ?? '',
        accessor: `${m.type}_${m.path.length.toString(16).padStart(8, '0')}`,
        config: {
          default_lease_ttl: 0,
          max_lease_ttl: 0,
          force_no_cache: false,
        },
        options: m.version ? { version: m.version } : null,
        local: false,
        seal_wrap: false,
        external_entropy_access: false,
        uuid: randomUUID(),
      };
    }
    sendJson(ctx.res, 200, { ...mounts, ...envelope(mounts) });
  });

  // --- ACL policies (sys/policies/acl, and the older sys/policy node-vault's helpers use) ---
  const policyNames = () => [
    'default',
    ...[...store.policies.keys()].sort(),
    'root',
  ];
  add(['GET', 'LIST'], '/v1/sys/policies/acl', ctx => {
    guard(ctx, 'sys/policies/acl', 'list');
    if (!isList(ctx)) throw vaultError(405, 'unsupported operation');
    sendJson(ctx.res, 200, envelope({ keys: policyNames() }));
  });
  const readPolicy = (name: string) => {
    if (name === 'default') return `# built-in default policy (subset)\n`;
    if (name === 'root') return '';
    return store.policies.get(name);
  };
  http.addRoute('GET', '/v1/sys/policies/acl/:name', ctx => {
    guard(ctx, `sys/policies/acl/${ctx.params.name}`, 'read');
    const text = readPolicy(ctx.params.name);
    if (text === undefined) throw vaultError(404);
    sendJson(ctx.res, 200, envelope({ name: ctx.params.name, policy: text }));
  });
  add(['PUT', 'POST'], '/v1/sys/policies/acl/:name', async ctx => {
    guard(ctx, `sys/policies/acl/${ctx.params.name}`, 'update');
    const b = await body(ctx);
    if (typeof b.policy !== 'string')
      throw vaultError(400, "'policy' parameter not supplied or empty");
    try {
      store.load({ policies: { [ctx.params.name]: b.policy } });
    } catch (e) {
      throw vaultError(400, `failed to parse policy: ${(e as Error).message}`);
    }
    noContent(ctx);
  });
  http.addRoute('DELETE', '/v1/sys/policies/acl/:name', ctx => {
    guard(ctx, `sys/policies/acl/${ctx.params.name}`, 'delete');
    store.policies.delete(ctx.params.name);
    noContent(ctx);
  });
  http.addRoute('GET', '/v1/sys/policy', ctx => {
    guard(ctx, 'sys/policy', 'read');
    const names = policyNames();
    sendJson(ctx.res, 200, {
      policies: names,
      keys: names,
      ...envelope({ policies: names, keys: names }),
    });
  });
  http.addRoute('GET', '/v1/sys/policy/:name', ctx => {
    guard(ctx, `sys/policy/${ctx.params.name}`, 'read');
    const text = readPolicy(ctx.params.name);
    if (text === undefined) throw vaultError(404);
    const data = { name: ctx.params.name, rules: text };
    sendJson(ctx.res, 200, { ...data, ...envelope(data) });
  });

  // --- tokens ---
  const tokenData = (t: VaultTokenRecord) => ({
    accessor: t.accessor,
    creation_time: secs(t.issueTime),
    creation_ttl: t.ttlSeconds,
    display_name: t.displayName,
    entity_id: '',
    expire_time: t.expireTime ? iso(t.expireTime) : null,
    explicit_max_ttl: 0,
    id: t.token,
    issue_time: iso(t.issueTime),
    meta: t.meta ?? null,
    num_uses: 0,
    orphan: true,
    path: 'auth/token/create',
    policies: ['default', ...t.policies.filter(p => p !== 'default')],
    renewable: t.renewable,
    ttl: t.expireTime ? secs(t.expireTime - Date.now()) : 0,
    type: 'service',
  });
  // Vault answers a login or a renewal with the TTL it granted (the role's TTL, the increment), not
  // with the time left on the clock; a lease computed from Date.now() read 3599 on a slow run.
  const authOf = (
    t: VaultTokenRecord,
    grantedSeconds: number,
    metadata: Record<string, string> | null = null,
  ) => ({
    client_token: t.token,
    accessor: t.accessor,
    policies: ['default', ...t.policies.filter(p => p !== 'default')],
    token_policies: ['default', ...t.policies.filter(p => p !== 'default')],
    metadata,
    lease_duration: t.expireTime ? grantedSeconds : 0,
    renewable: t.renewable,
    entity_id: '',
    token_type: 'service',
    orphan: true,
  });
  http.addRoute('GET', '/v1/auth/token/lookup-self', ctx => {
    const t = guard(ctx, 'auth/token/lookup-self', 'read');
    sendJson(ctx.res, 200, envelope(tokenData(t)));
  });
  add(['POST', 'PUT'], '/v1/auth/token/renew-self', async ctx => {
    const t = guard(ctx, 'auth/token/renew-self', 'update');
    const b = await body(ctx);
    if (!t.renewable || !t.expireTime)
      throw vaultError(400, 'lease is not renewable');
    const inc =
      b.increment === undefined
        ? t.ttlSeconds
        : parseVaultDuration(b.increment as string | number);
    t.expireTime = Date.now() + inc * 1000;
    sendJson(ctx.res, 200, envelope(null, { auth: authOf(t, inc) }));
  });

  // --- Kubernetes auth: the JWT's service-account claims against the role's bindings ---
  http.addRoute('POST', '/v1/auth/:mount/login', async ctx => {
    if (store.condition.sealed) throw vaultError(503, 'Vault is sealed');
    if (ctx.params.mount !== 'kubernetes')
      throw vaultError(
        404,
        `no handler for route "auth/${ctx.params.mount}/login"`,
      );
    const b = await body(ctx);
    const role = store.kubernetesRoles.get(String(b.role ?? ''));
    if (!role)
      throw vaultError(400, `invalid role name "${String(b.role ?? '')}"`);
    const claims = decodeJwt(String(b.jwt ?? ''));
    if (!claims) throw vaultError(400, 'missing or malformed jwt');
    const sa = claims['kubernetes.io/serviceaccount/service-account.name'];
    const ns = claims['kubernetes.io/serviceaccount/namespace'];
    const allowed = (list: string[], v: unknown) =>
      list.includes('*') || list.includes(String(v));
    if (!allowed(role.boundServiceAccountNames, sa))
      throw vaultError(403, 'service account name not authorized');
    if (!allowed(role.boundServiceAccountNamespaces, ns))
      throw vaultError(403, 'namespace not authorized');
    const meta = {
      role: role.name,
      service_account_name: String(sa),
      service_account_namespace: String(ns),
    };
    const t = store.issueToken({
      policies: role.policies,
      ttlSeconds: role.ttlSeconds,
      displayName: `kubernetes-${ns}-${sa}`,
      meta,
    });
    sendJson(
      ctx.res,
      200,
      envelope(null, { auth: authOf(t, role.ttlSeconds, meta) }),
    );
  });

  // --- leases ---
  add(['GET', 'LIST'], '/v1/sys/leases/lookup/{prefix+}', ctx => {
    const prefix = `${ctx.params.prefix.replace(/\/+$/, '')}/`;
    guard(ctx, `sys/leases/lookup/${prefix}`, ['list', 'sudo']);
    if (!isList(ctx)) throw vaultError(405, 'unsupported operation');
    const keys = new Set<string>();
    for (const l of store.liveLeases()) {
      if (!l.id.startsWith(prefix)) continue;
      const rest = l.id.slice(prefix.length);
      const cut = rest.indexOf('/');
      keys.add(cut >= 0 ? rest.slice(0, cut + 1) : rest);
    }
    if (keys.size === 0) throw vaultError(404);
    sendJson(ctx.res, 200, envelope({ keys: [...keys].sort() }));
  });
  add(
    ['PUT', 'POST'],
    '/v1/sys/leases/lookup',
    async ctx => {
      guard(ctx, 'sys/leases/lookup', 'update');
      const b = await body(ctx);
      const lease = store.liveLeases().find(l => l.id === b.lease_id);
      if (!lease) throw vaultError(400, 'invalid lease');
      sendJson(
        ctx.res,
        200,
        envelope({
          id: lease.id,
          issue_time: iso(lease.issueTime),
          expire_time: iso(lease.expireTime),
          last_renewal: null,
          renewable: lease.renewable,
          ttl: secs(lease.expireTime - Date.now()),
        }),
      );
    },
    false,
  );

  // --- KV v2 ---
  const kvMount = (ctx: RequestContext) => {
    const mount = ctx.params.mount;
    if (!store.isKv2(mount))
      throw vaultError(
        404,
        `no handler for route "${ctx.path.replace(
          /^\/v1\//,
          '',
        )}". route entry not found.`,
      );
    return mount;
  };
  const checkPath = (p: string) => {
    if (p.split('/').some(s => s === '..' || s === '.'))
      throw vaultError(400, 'invalid path');
  };
  const versionMeta = (s: VaultKvSecret, n: number) => ({
    created_time: s.versions[n].createdTime,
    custom_metadata: s.customMetadata,
    deletion_time: store.deletionTime(s, n) ?? '',
    destroyed: s.versions[n].destroyed,
    version: n,
  });
  const metadataOf = (s: VaultKvSecret) => {
    const numbers = Object.keys(s.versions)
      .map(Number)
      .sort((a, b) => a - b);
    const versions: Record<string, unknown> = {};
    for (const n of numbers) {
      versions[n] = {
        created_time: s.versions[n].createdTime,
        deletion_time: store.deletionTime(s, n) ?? '',
        destroyed: s.versions[n].destroyed,
      };
    }
    return {
      cas_required: s.casRequired,
      created_time: s.createdTime,
      current_version: s.currentVersion,
      custom_metadata: s.customMetadata,
      delete_version_after: s.deleteVersionAfter,
      max_versions: s.maxVersions,
      oldest_version: numbers[0] ?? 0,
      updated_time: s.updatedTime,
      versions,
    };
  };

  // Values: only here.
  http.addRoute('GET', '/v1/:mount/data/{path+}', ctx => {
    const mount = kvMount(ctx);
    const path = ctx.params.path;
    checkPath(path);
    guard(ctx, `${mount}/data/${path}`, 'read');
    const s = store.secret(mount, path);
    if (!s) throw vaultError(404);
    const n = Number(ctx.query.get('version') ?? 0) || s.currentVersion;
    const v = s.versions[n];
    if (!v) throw vaultError(404);
    const gone = v.destroyed || store.isDeleted(s, n);
    sendJson(
      ctx.res,
      gone ? 404 : 200,
      envelope({ data: gone ? null : v.data, metadata: versionMeta(s, n) }),
    );
  });
  add(['POST', 'PUT'], '/v1/:mount/data/{path+}', async ctx => {
    const mount = kvMount(ctx);
    const path = ctx.params.path;
    checkPath(path);
    const exists = !!store.secret(mount, path);
    guard(ctx, `${mount}/data/${path}`, exists ? 'update' : 'create');
    const b = await body(ctx);
    if (!b.data || typeof b.data !== 'object')
      throw vaultError(400, 'no data provided');
    const cas = (b.options as Body | undefined)?.cas;
    const current = store.secret(mount, path)?.currentVersion ?? 0;
    if (cas !== undefined && Number(cas) !== current) {
      throw vaultError(
        400,
        'check-and-set parameter did not match the current version',
      );
    }
    const data = Object.fromEntries(
      Object.entries(b.data as Body).map(([k, v]) => [k, String(v)]),
    );
    const n = store.write(mount, path, data);
    const s = store.secret(mount, path)!;
    sendJson(ctx.res, 200, envelope(versionMeta(s, n)));
  });
  http.addRoute('DELETE', '/v1/:mount/data/{path+}', ctx => {
    const mount = kvMount(ctx);
    const path = ctx.params.path;
    guard(ctx, `${mount}/data/${path}`, 'delete');
    const s = store.secret(mount, path);
    const v = s?.versions[s.currentVersion];
    if (v && !v.deletionTime) v.deletionTime = iso(Date.now());
    noContent(ctx);
  });
  const listMetadata = (ctx: RequestContext, dir: string) => {
    const mount = kvMount(ctx);
    checkPath(dir);
    // Vault checks a LIST against the path with its trailing slash.
    guard(
      ctx,
      `${mount}/metadata/${dir ? `${dir.replace(/\/+$/, '')}/` : ''}`,
      'list',
    );
    const keys = store.listKeys(mount, dir);
    if (keys.length === 0) throw vaultError(404);
    sendJson(ctx.res, 200, envelope({ keys }));
  };
  add(['GET', 'LIST'], '/v1/:mount/metadata', ctx => {
    if (!isList(ctx)) throw vaultError(405, 'unsupported operation');
    listMetadata(ctx, '');
  });
  add(['GET', 'LIST'], '/v1/:mount/metadata/{path+}', ctx => {
    if (isList(ctx)) {
      listMetadata(ctx, ctx.params.path);
      return;
    }
    const mount = kvMount(ctx);
    const path = ctx.params.path;
    checkPath(path);
    guard(ctx, `${mount}/metadata/${path}`, 'read');
    const s = store.secret(mount, path);
    if (!s) throw vaultError(404);
    sendJson(ctx.res, 200, envelope(metadataOf(s)));
  });
  add(['POST', 'PUT'], '/v1/:mount/metadata/{path+}', async ctx => {
    const mount = kvMount(ctx);
    const path = ctx.params.path;
    checkPath(path);
    guard(ctx, `${mount}/metadata/${path}`, 'update');
    const b = await body(ctx);
    let s = store.secret(mount, path);
    if (!s) {
      const now = iso(Date.now());
      s = {
        mount,
        path,
        versions: {},
        currentVersion: 0,
        maxVersions: 0,
        casRequired: false,
        deleteVersionAfter: '0s',
        customMetadata: null,
        createdTime: now,
        updatedTime: now,
      };
      store.secrets.set(store.key(mount, path), s);
    }
    if (b.max_versions !== undefined) s.maxVersions = Number(b.max_versions);
    if (b.cas_required !== undefined) s.casRequired = Boolean(b.cas_required);
    if (b.delete_version_after !== undefined) {
      try {
        const d = parseVaultDuration(b.delete_version_after as string);
        s.deleteVersionAfter = `${Math.round(d)}s`;
      } catch {
        throw vaultError(400, 'invalid delete_version_after');
      }
    }
    if (b.custom_metadata !== undefined) {
      const cm = b.custom_metadata as Body | null;
      if (cm !== null && typeof cm !== 'object')
        throw vaultError(400, 'custom_metadata must be a map');
      s.customMetadata = cm
        ? Object.fromEntries(Object.entries(cm).map(([k, v]) => [k, String(v)]))
        : null;
    }
    s.updatedTime = iso(Date.now());
    store.trimVersions(s);
    noContent(ctx);
  });
  http.addRoute('DELETE', '/v1/:mount/metadata/{path+}', ctx => {
    const mount = kvMount(ctx);
    const path = ctx.params.path;
    guard(ctx, `${mount}/metadata/${path}`, 'delete');
    store.secrets.delete(store.key(mount, path));
    noContent(ctx);
  });
  const versionsOp = (op: 'delete' | 'undelete' | 'destroy') =>
    add(['POST', 'PUT'], `/v1/:mount/${op}/{path+}`, async ctx => {
      const mount = kvMount(ctx);
      const path = ctx.params.path;
      checkPath(path);
      guard(ctx, `${mount}/${op}/${path}`, 'update');
      const b = await body(ctx);
      if (!Array.isArray(b.versions) || b.versions.length === 0)
        throw vaultError(400, 'no version number provided');
      const s = store.secret(mount, path);
      for (const n of b.versions.map(Number)) {
        const v = s?.versions[n];
        if (!v) continue;
        if (op === 'delete' && !v.deletionTime)
          v.deletionTime = iso(Date.now());
        if (op === 'undelete' && !v.destroyed) v.deletionTime = undefined;
        if (op === 'destroy') {
          v.destroyed = true;
          v.data = undefined;
        }
      }
      noContent(ctx);
    });
  versionsOp('delete');
  versionsOp('undelete');
  versionsOp('destroy');
}

/** The claims of a JWT, unverified: the imitation trusts them where Vault would ask a TokenReview. */
function decodeJwt(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(
      Buffer.from(parts[1], 'base64url').toString('utf8'),
    );
    return claims && typeof claims === 'object' ? claims : undefined;
  } catch {
    return undefined;
  }
}
