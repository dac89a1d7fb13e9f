/**
 * Vault ACL policies, as far as the imitation needs them: `path "…" { capabilities = [ … ] }`
 * blocks, glob `*` at the end of a path, `+` for one segment, the most specific path wins and
 * `deny` beats everything on it (Vault's rules: developer.hashicorp.com/vault/docs/concepts/policies).
 */
export type Capability =
  | 'create'
  | 'read'
  | 'update'
  | 'patch'
  | 'delete'
  | 'list'
  | 'sudo'
  | 'deny';

export interface Rule {
  pattern: string;
  capabilities: Set<Capability>;
}

/** The built-in `default` policy, cut to the paths the imitation serves. */
export const DEFAULT_POLICY = `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/leases/lookup" { capabilities = ["update"] }
`;

export function parsePolicy(text: string): Rule[] {
  const rules: Rule[] = [];
  const block = /path\s+"([^"]+)"\s*\{([^}]*)\}/g;
  for (let m = block.exec(text); m; m = block.exec(text)) {
    const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2]);
    if (!caps) throw new Error(`policy path "${m[1]}" has no capabilities`);
    const list = caps[1]
      .split(',')
      .map(s => s.trim().replace(/^"|"$/g, ''))
      .filter(Boolean) as Capability[];
    rules.push({ pattern: m[1], capabilities: new Set(list) });
  }
  return rules;
}

function matches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const p = glob ? pattern.slice(0, -1) : pattern;
  const pp = p.split('/');
  const parts = path.split('/');
  if (!glob && pp.length !== parts.length) return false;
  if (glob && parts.length < pp.length) return false;
  for (let i = 0; i < pp.length; i++) {
    const last = i === pp.length - 1;
    if (pp[i] === '+') continue;
    if (last && glob) return parts[i].startsWith(pp[i]);
    if (pp[i] !== parts[i]) return false;
  }
  return true;
}

/** Higher is more specific: exact over glob, fewer `+`, longer. */
function priority(pattern: string): number {
  const glob = pattern.endsWith('*') ? 0 : 1;
  const plus = pattern.split('/').filter(s => s === '+').length;
  return glob * 1_000_000 - plus * 10_000 + pattern.length;
}

/** The capabilities a set of policies grants on `path` (union over the most specific pattern). */
export function capabilitiesOn(
  policies: Array<{ name: string; rules: Rule[] }>,
  path: string,
): Set<Capability> {
  if (policies.some(p => p.name === 'root')) {
    return new Set<Capability>([
      'create',
      'read',
      'update',
      'patch',
      'delete',
      'list',
      'sudo',
    ]);
  }
  const byPattern = new Map<string, Set<Capability>>();
  for (const policy of policies) {
    for (const rule of policy.rules) {
      if (!matches(rule.pattern, path)) continue;
      const set = byPattern.get(rule.pattern) ?? new Set<Capability>();
      rule.capabilities.forEach(c => set.add(c));
      byPattern.set(rule.pattern, set);
    }
  }
  let best: string | undefined;
  for (const pattern of byPattern.keys()) {
    if (best === undefined || priority(pattern) > priority(best)) {
      best = pattern;
    }
  }
  const caps = best ? byPattern.get(best)! : new Set<Capability>();
  return caps.has('deny') ? new Set() : caps;
}
