import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_POLICY, parsePolicy } from './policy';
import type {
  VaultCondition,
  VaultFixture,
  VaultKubernetesRole,
  VaultKvSecret,
  VaultLeaseRecord,
  VaultMountRecord,
  VaultTokenRecord,
} from './types';

const iso = (ms: number) => new Date(ms).toISOString();

/** Vault durations: `30s`, `15m`, `768h`, `30d`, or seconds as a number. */
export function parseVaultDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}"`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/**
 * The KV secrets by `<mount>/<path>`, with each mount's paths kept sorted for listings: a LIST
 * reads only its folder's direct keys (binary search to the first, and past each subfolder's
 * paths), as Vault's storage does by prefix, rather than every secret of the server or folder. The
 * sorted lists are rebuilt after a path is added or removed.
 */
class SecretMap extends Map<string, VaultKvSecret> {
  private sorted?: Map<string, string[]>;

  set(key: string, value: VaultKvSecret) {
    if (!this.has(key)) this.sorted = undefined;
    return super.set(key, value);
  }

  delete(key: string) {
    const deleted = super.delete(key);
    if (deleted) this.sorted = undefined;
    return deleted;
  }

  clear() {
    super.clear();
    this.sorted = undefined;
  }

  /**
   * The keys directly under `prefix` (a folder: `''` or ending in `/`), sorted; folders end with
   * `/`.
   */
  keysUnder(mount: string, prefix: string): string[] {
    if (!this.sorted) {
      this.sorted = new Map();
      for (const s of this.values()) {
        const list = this.sorted.get(s.mount) ?? [];
        list.push(s.path);
        this.sorted.set(s.mount, list);
      }
      for (const list of this.sorted.values()) list.sort();
    }
    const paths = this.sorted.get(mount) ?? [];
    const keys: string[] = [];
    let i = firstNot(paths, 0, p => p < prefix);
    while (i < paths.length && paths[i].startsWith(prefix)) {
      const rest = paths[i].slice(prefix.length);
      const cut = rest.indexOf('/');
      if (cut < 0) {
        keys.push(rest);
        i++;
        continue;
      }
      // A folder: one key, and its whole subtree (a contiguous run of the sorted paths) skipped.
      const folder = rest.slice(0, cut + 1);
      keys.push(folder);
      const under = prefix + folder;
      i = firstNot(paths, i + 1, p => p.startsWith(under));
    }
    return keys.sort();
  }
}

/**
 * Binary search: the index of the first of `paths` from `from` on for which `holds` is false, where
 * it holds for a run at the start of that range and for nothing after it (the paths are sorted).
 */
function firstNot(
  paths: string[],
  from: number,
  holds: (path: string) => boolean,
): number {
  let lo = from;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holds(paths[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The state of the Vault imitation: mounts, KV v2 secrets with their versions, ACL policies,
 * tokens, leases and Kubernetes auth roles, plus the server's condition (sealed, standby).
 */
export class VaultStore {
  mounts = new Map<string, VaultMountRecord>();
  secrets = new SecretMap();
  policies = new Map<string, string>();
  tokens = new Map<string, VaultTokenRecord>();
  leases = new Map<string, VaultLeaseRecord>();
  kubernetesRoles = new Map<string, VaultKubernetesRole>();
  condition: VaultCondition = {
    initialized: true,
    sealed: false,
    standby: false,
    performanceStandby: false,
  };
  readonly clusterId = randomUUID();
  private base: VaultFixture = {};

  /** Makes `fixture` what `reset` returns to, and loads it. */
  setBase(fixture: VaultFixture) {
    this.base = fixture;
    this.reset();
  }

  reset() {
    this.mounts.clear();
    this.secrets.clear();
    this.policies.clear();
    this.tokens.clear();
    this.leases.clear();
    this.kubernetesRoles.clear();
    this.condition = {
      initialized: true,
      sealed: false,
      standby: false,
      performanceStandby: false,
    };
    this.load(this.base);
  }

  load(fixture: VaultFixture) {
    const now = Date.now();
    for (const m of fixture.mounts ?? []) {
      this.mounts.set(m.path.replace(/\/+$/, ''), m);
    }
    for (const [name, text] of Object.entries(fixture.policies ?? {})) {
      parsePolicy(text); // refuse a policy the imitation cannot read
      this.policies.set(name, text);
    }
    for (const t of fixture.tokens ?? []) {
      const ttl = t.ttlSeconds ?? 0;
      this.tokens.set(t.token, {
        token: t.token,
        accessor: randomBytes(12).toString('base64url'),
        policies: t.policies,
        displayName: t.displayName ?? 'token',
        ttlSeconds: ttl,
        expireTime: ttl > 0 ? now + ttl * 1000 : undefined,
        issueTime: now,
        renewable: t.renewable ?? ttl > 0,
      });
    }
    for (const l of fixture.leases ?? []) {
      const issue = now - (l.issuedSecondsAgo ?? 0) * 1000;
      this.leases.set(l.id, {
        id: l.id,
        issueTime: issue,
        expireTime: now + l.ttlSeconds * 1000,
        renewable: l.renewable ?? true,
      });
    }
    for (const r of fixture.kubernetesRoles ?? []) {
      this.kubernetesRoles.set(r.name, r);
    }
    for (const s of fixture.secrets ?? []) {
      if (!this.isKv2(s.mount)) {
        throw new Error(`secret ${s.path}: ${s.mount} is not a KV v2 mount`);
      }
      const versions: VaultKvSecret['versions'] = {};
      s.versions.forEach((v, i) => {
        const created = now - v.ageSeconds * 1000;
        versions[i + 1] = {
          createdTime: iso(created),
          deletionTime: v.deleted
            ? iso(Math.max(created, now - 1000))
            : undefined,
          destroyed: v.destroyed ?? false,
          data: v.destroyed ? undefined : { ...v.data },
        };
      });
      const n = s.versions.length;
      this.secrets.set(this.key(s.mount, s.path), {
        mount: s.mount,
        path: s.path,
        versions,
        currentVersion: n,
        maxVersions: s.maxVersions ?? 0,
        casRequired: false,
        deleteVersionAfter: s.deleteVersionAfter ?? '0s',
        customMetadata: s.customMetadata ? { ...s.customMetadata } : null,
        createdTime: versions[1]?.createdTime ?? iso(now),
        updatedTime: versions[n]?.createdTime ?? iso(now),
      });
    }
  }

  key(mount: string, path: string) {
    return `${mount}\0${path}`;
  }

  isKv2(mount: string): boolean {
    const m = this.mounts.get(mount);
    return m?.type === 'kv' && m.version === '2';
  }

  secret(mount: string, path: string): VaultKvSecret | undefined {
    return this.secrets.get(this.key(mount, path));
  }

  /** Keys directly under `dir` (`''` for the mount's root); folders end with `/`. */
  listKeys(mount: string, dir: string): string[] {
    const prefix = dir ? `${dir.replace(/\/+$/, '')}/` : '';
    return this.secrets.keysUnder(mount, prefix);
  }

  /** Writes a new version (KV v2 `data` write); returns the new version number. */
  write(mount: string, path: string, data: Record<string, string>): number {
    const now = iso(Date.now());
    let s = this.secret(mount, path);
    if (!s) {
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
      this.secrets.set(this.key(mount, path), s);
    }
    const version = s.currentVersion + 1;
    s.versions[version] = {
      createdTime: now,
      destroyed: false,
      data: { ...data },
    };
    s.currentVersion = version;
    s.updatedTime = now;
    this.trimVersions(s);
    return version;
  }

  /** Keeps `max_versions` (mount default 10 when 0), dropping the oldest. */
  trimVersions(s: VaultKvSecret) {
    const max = s.maxVersions > 0 ? s.maxVersions : 10;
    const numbers = Object.keys(s.versions)
      .map(Number)
      .sort((a, b) => a - b);
    while (numbers.length > max) delete s.versions[numbers.shift()!];
  }

  /** A version's deletion time, counting `delete_version_after`. */
  deletionTime(s: VaultKvSecret, version: number): string | undefined {
    const v = s.versions[version];
    if (!v) return undefined;
    if (v.deletionTime) return v.deletionTime;
    const after = parseVaultDuration(s.deleteVersionAfter);
    if (after > 0) {
      const at = Date.parse(v.createdTime) + after * 1000;
      return iso(at);
    }
    return undefined;
  }

  isDeleted(s: VaultKvSecret, version: number): boolean {
    const t = this.deletionTime(s, version);
    return t !== undefined && Date.parse(t) <= Date.now();
  }

  /** The token record when it exists and has not expired. */
  liveToken(token: string | undefined): VaultTokenRecord | undefined {
    if (!token) return undefined;
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expireTime !== undefined && t.expireTime <= Date.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return t;
  }

  issueToken(o: {
    policies: string[];
    ttlSeconds: number;
    displayName: string;
    meta?: Record<string, string>;
  }): VaultTokenRecord {
    const now = Date.now();
    const record: VaultTokenRecord = {
      token: `hvs.${randomBytes(18).toString('base64url')}`,
      accessor: randomBytes(12).toString('base64url'),
      policies: o.policies,
      displayName: o.displayName,
      ttlSeconds: o.ttlSeconds,
      expireTime: o.ttlSeconds > 0 ? now + o.ttlSeconds * 1000 : undefined,
      issueTime: now,
      renewable: o.ttlSeconds > 0,
      meta: o.meta,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  policyRules(names: string[]) {
    const out = [{ name: 'default', rules: parsePolicy(DEFAULT_POLICY) }];
    for (const name of names) {
      if (name === 'root') out.push({ name: 'root', rules: [] });
      const text = this.policies.get(name);
      if (text) out.push({ name, rules: parsePolicy(text) });
    }
    return out;
  }

  /** Live leases under a prefix (`database/creds/app/`). */
  liveLeases(): VaultLeaseRecord[] {
    const now = Date.now();
    for (const [id, l] of this.leases) {
      if (l.expireTime <= now) this.leases.delete(id);
    }
    return [...this.leases.values()];
  }
}
