import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  GROUNDCREW_ANNOTATIONS,
  VAULT_COMMUNITY_ANNOTATIONS,
} from '@groundcrew/plugin-infra-common';

export interface EntityVaultPath {
  mount: string;
  /** Folder or secret inside the mount; `''` for the mount's root. */
  path: string;
  annotation: string;
}

const SEGMENT = /^[A-Za-z0-9_@+=,-][A-Za-z0-9._@+=,-]*$/;

function clean(annotation: string, raw: string): string[] {
  const value = raw.trim();
  const bad = (why: string) =>
    new InputError(`Annotation ${annotation}: "${raw}" ${why}`);
  if (!value) throw bad('is empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('//')) {
    throw bad('is a URL; give a path inside Vault such as secret/my-service');
  }
  if (value.startsWith('/'))
    throw bad('is absolute; give it without the leading /');
  const parts = value.replace(/\/+$/, '').split('/');
  for (const p of parts) {
    if (p === '..' || p === '.') throw bad('steps out of its folder (.. or .)');
    if (!SEGMENT.test(p)) throw bad(`has an invalid segment "${p}"`);
  }
  return parts;
}

function split(annotation: string, value: string | undefined): string[] {
  if (value === undefined) return [];
  const items = value.split(',');
  if (items.every(i => !i.trim())) {
    throw new InputError(`Annotation ${annotation}: "${value}" is empty`);
  }
  return items.map(i => {
    if (!i.trim())
      throw new InputError(
        `Annotation ${annotation}: "${value}" has an empty entry`,
      );
    return i;
  });
}

/**
 * The entity's Vault paths from `groundcrew.io/vault-path` (`mount/path`, comma-separated) and the
 * community plugin's `vault.io/secrets-path` (inside `vault.io/secrets-engine` or the default
 * mount). A path that is empty, absolute, a URL, steps out with `..`, or names a mount the portal
 * may not list is an InputError naming the annotation.
 */
export function entityVaultPaths(
  entity: Entity,
  options: { mounts: string[]; defaultMount: string },
): EntityVaultPath[] {
  const annotations = entity.metadata.annotations ?? {};
  const out: EntityVaultPath[] = [];
  const allow = (annotation: string, raw: string, mount: string) => {
    if (!options.mounts.includes(mount)) {
      throw new InputError(
        `Annotation ${annotation}: "${raw.trim()}" names mount "${mount}", which the portal may not list (allowed: ${options.mounts.join(
          ', ',
        )})`,
      );
    }
  };
  const own = GROUNDCREW_ANNOTATIONS.vaultPath;
  for (const raw of split(own, annotations[own])) {
    const [mount, ...rest] = clean(own, raw);
    allow(own, raw, mount);
    out.push({ mount, path: rest.join('/'), annotation: own });
  }
  const community = VAULT_COMMUNITY_ANNOTATIONS.secretsPath;
  const engineAnnotation = VAULT_COMMUNITY_ANNOTATIONS.secretsEngine;
  const engine = annotations[engineAnnotation]?.trim() || options.defaultMount;
  for (const raw of split(community, annotations[community])) {
    const parts = clean(community, raw);
    allow(
      engineAnnotation in annotations ? engineAnnotation : community,
      engine,
      engine,
    );
    out.push({ mount: engine, path: parts.join('/'), annotation: community });
  }
  const seen = new Set<string>();
  return out.filter(p => {
    const key = `${p.mount}/${p.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Lease prefixes from `groundcrew.io/vault-lease-prefix`, each under an allowed prefix. */
export function entityLeasePrefixes(
  entity: Entity,
  allowed: string[],
): string[] {
  const annotation = GROUNDCREW_ANNOTATIONS.vaultLeasePrefix;
  const value = entity.metadata.annotations?.[annotation];
  return split(annotation, value).map(raw => {
    const prefix = clean(annotation, raw).join('/');
    if (!allowed.some(a => `${prefix}/`.startsWith(a))) {
      throw new InputError(
        `Annotation ${annotation}: "${raw.trim()}" is not under an allowed lease prefix (${allowed.join(
          ', ',
        )})`,
      );
    }
    return prefix;
  });
}

/** The KV v2 secret a Vault Agent annotation value names (`secret/data/app/db` → secret, app/db). */
export function agentSecretPath(
  value: string,
  kvMounts: string[],
): { mount: string; path: string } | undefined {
  const parts = value.trim().replace(/^\/+/, '').split('/');
  if (parts.length < 2) return undefined;
  const [mount, ...rest] = parts;
  if (!kvMounts.includes(mount)) return undefined;
  if (rest[0] === 'data' && rest.length > 1)
    return { mount, path: rest.slice(1).join('/') };
  return { mount, path: rest.join('/') };
}
