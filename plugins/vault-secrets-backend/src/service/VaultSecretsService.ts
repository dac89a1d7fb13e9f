import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntitySecretsStatus,
  LeaseStatus,
  SecretFreshness,
  SecretPodStatus,
  SecretStatus,
  secretsReadPermission,
} from '@groundcrew/plugin-infra-common';
import {
  CACHE_KINDS,
  KubernetesCacheService,
  VaultSecretMetadata,
  VaultService,
} from '@groundcrew/plugin-infra-node';
import type { VaultSecretsConfig } from '../config';
import { entityPods } from './entityPods';
import { freshnessOf, parseDuration } from './freshness';
import {
  agentSecretPath,
  entityLeasePrefixes,
  entityVaultPaths,
  EntityVaultPath,
} from './vaultPaths';

export interface VaultSecretsServiceOptions {
  vault: VaultService;
  cache: KubernetesCacheService;
  catalog: CatalogService;
  permissions: PermissionsService;
  logger: LoggerService;
  config: VaultSecretsConfig;
}

const AGENT_SECRET = 'vault.hashicorp.com/agent-inject-secret-';

/** Vault is down or sealed: stop asking it for this request. */
class VaultDown extends Error {}

/**
 * The secrets status of an entity, from Vault metadata only: which secrets are fresh, due or
 * overdue against their rotation period, what Vault itself says (sealed, standby, unreachable),
 * the entity's dynamic-secret leases, and the pods still running on an older secret version.
 */
export class VaultSecretsService {
  static create(options: VaultSecretsServiceOptions) {
    options.cache.watch([
      ...CACHE_KINDS.deployments,
      ...CACHE_KINDS.replicaSets,
      ...CACHE_KINDS.pods,
    ]);
    return new VaultSecretsService(options);
  }

  private constructor(private readonly options: VaultSecretsServiceOptions) {}

  async status(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntitySecretsStatus> {
    const { catalog, permissions, config } = this.options;
    const [decision] = await permissions.authorize(
      [{ permission: secretsReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the secrets status of ${entityRef}`,
      );
    }
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    // Annotations first: a bad one is the caller's 400, whatever Vault's state.
    const paths = entityVaultPaths(entity, config);
    const leasePrefixes = entityLeasePrefixes(entity, config.leasePrefixes);
    const result: EntitySecretsStatus = {
      entityRef: stringifyEntityRef(entity),
      vault: { state: 'ok' },
      paths: paths.map(p => (p.path ? `${p.mount}/${p.path}` : p.mount)),
      leasePrefixes,
      secrets: [],
      leases: [],
      counts: { fresh: 0, due: 0, overdue: 0, deleted: 0, destroyed: 0 },
      truncated: false,
      problems: [],
      generatedAt: new Date().toISOString(),
    };
    if (!this.options.vault.configured) {
      result.vault = {
        state: 'not-configured',
        message: 'Vault is not configured (groundcrew.vault)',
      };
      return result;
    }
    try {
      await this.health(result);
      if (result.vault.state === 'ok' || result.vault.state === 'standby') {
        await this.secrets(entity, paths, result);
        await this.leases(leasePrefixes, result);
      }
    } catch (e) {
      if (!(e instanceof VaultDown)) throw e;
    }
    for (const s of result.secrets) result.counts[s.status] += 1;
    this.options.logger.debug(
      `secrets status of ${result.entityRef}: vault ${result.vault.state}, ${result.secrets.length} secrets, ${result.counts.overdue} overdue, ${result.problems.length} problems`,
    );
    return result;
  }

  private unavailable(result: EntitySecretsStatus, e: unknown): never {
    if (e instanceof ServiceUnavailableError) {
      result.vault = {
        ...result.vault,
        state: 'unreachable',
        message: e.message,
      };
      throw new VaultDown();
    }
    throw e;
  }

  private async health(result: EntitySecretsStatus) {
    const { vault } = this.options;
    try {
      const h = await vault.health();
      let state: EntitySecretsStatus['vault']['state'] = 'ok';
      if (!h.initialized) state = 'uninitialized';
      else if (h.sealed) state = 'sealed';
      else if (h.standby) state = 'standby';
      result.vault = {
        state,
        version: h.version,
        message: {
          ok: undefined,
          sealed: 'Vault is sealed',
          standby: `Vault answered from a ${
            h.performanceStandby ? 'performance ' : ''
          }standby node`,
          uninitialized: 'Vault is not initialised',
        }[state as 'ok' | 'sealed' | 'standby' | 'uninitialized'],
      };
    } catch (e) {
      this.unavailable(result, e);
    }
    if (result.vault.state !== 'ok' && result.vault.state !== 'standby') return;
    try {
      const token = await vault.tokenInfo();
      result.vault.tokenTtlSeconds = token.ttlSeconds;
      result.vault.tokenRenewable = token.renewable;
    } catch (e) {
      if (e instanceof NotAllowedError) {
        result.problems.push({
          path: 'auth/token/lookup-self',
          message: 'The portal token was refused: it may have expired',
        });
        return;
      }
      this.unavailable(result, e);
    }
  }

  private async secrets(
    entity: Entity,
    paths: EntityVaultPath[],
    result: EntitySecretsStatus,
  ) {
    const { vault, config } = this.options;
    const found: Array<{ mount: string; path: string }> = [];
    const ask = async <T>(
      path: string,
      fn: () => Promise<T>,
    ): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof NotAllowedError) {
          result.problems.push({
            path,
            message: 'Vault denied the portal access to this path',
          });
          return undefined;
        }
        return this.unavailable(result, e);
      }
    };
    // Breadth-first, bounded by depth and count.
    for (const root of paths) {
      const queue: Array<{ folder: string; depth: number }> = [
        { folder: root.path, depth: 0 },
      ];
      let listedAny = false;
      while (queue.length > 0) {
        const { folder, depth } = queue.shift()!;
        const keys = await ask(`${root.mount}/${folder}`, () =>
          vault.listSecrets(root.mount, folder),
        );
        if (!keys) continue;
        if (keys.length > 0) listedAny = true;
        for (const key of keys) {
          const child = folder ? `${folder}/${key}` : key;
          if (key.endsWith('/')) {
            if (depth + 1 >= config.maxDepth) {
              result.truncated = true;
              continue;
            }
            queue.push({ folder: child.replace(/\/+$/, ''), depth: depth + 1 });
          } else if (found.length >= config.maxSecrets) {
            result.truncated = true;
          } else {
            found.push({ mount: root.mount, path: child });
          }
        }
      }
      // A path that is a secret rather than a folder.
      if (
        !listedAny &&
        root.path &&
        !found.some(f => f.mount === root.mount && f.path === root.path)
      ) {
        found.push({ mount: root.mount, path: root.path });
      }
    }

    const pods = this.podsBySecret(entity);
    const now = Date.now();
    // In parallel: the Vault client bounds how many are in flight.
    const metas = await Promise.all(
      found.map(({ mount, path }) =>
        ask(`${mount}/${path}`, () => vault.secretMetadata(mount, path)),
      ),
    );
    found.forEach(({ mount, path }, i) => {
      const meta = metas[i];
      if (meta) {
        result.secrets.push(this.secretStatus(mount, path, meta, now, pods));
      }
    });
    result.secrets.sort((a, b) =>
      `${a.mount}/${a.path}`.localeCompare(`${b.mount}/${b.path}`),
    );
  }

  private secretStatus(
    mount: string,
    path: string,
    meta: VaultSecretMetadata,
    now: number,
    pods: Map<string, SecretPodStatus[]>,
  ): SecretStatus {
    const { config, vault } = this.options;
    const current = meta.versions.find(v => v.version === meta.currentVersion);
    const lastRotated = current?.createdTime || meta.updatedTime;
    const rotatedAt = Date.parse(lastRotated);
    const ageSeconds = Math.max(0, Math.floor((now - rotatedAt) / 1000));
    let rotationSource: SecretStatus['rotationSource'] = 'default';
    let period = config.rotation.defaultPeriodSeconds;
    const custom = meta.customMetadata.rotation_period;
    let fromCustom = false;
    if (custom) {
      try {
        const p = parseDuration(custom);
        if (p > 0) {
          period = p;
          rotationSource = 'custom_metadata';
          fromCustom = true;
        }
      } catch {
        // An unreadable rotation_period falls back to config; the period shown says which.
      }
    }
    if (!fromCustom) {
      const full = `${mount}/${path}`;
      const rule = config.rotation.paths
        .filter(r => full === r.prefix || full.startsWith(`${r.prefix}/`))
        .sort((a, b) => b.prefix.length - a.prefix.length)[0];
      if (rule) {
        period = rule.periodSeconds;
        rotationSource = 'config';
      }
    }
    const deleted = (v?: { deletionTime?: string }) =>
      !!v?.deletionTime && Date.parse(v.deletionTime) <= now;
    let status: SecretFreshness = freshnessOf({
      ageSeconds,
      periodSeconds: period,
      dueFraction: config.rotation.dueFraction,
    });
    if (current?.destroyed) status = 'destroyed';
    else if (!current || deleted(current)) status = 'deleted';
    const restart = (pods.get(`${mount}/${path}`) ?? []).filter(
      p => Number.isFinite(rotatedAt) && Date.parse(p.startedAt) < rotatedAt,
    );
    return {
      mount,
      path,
      currentVersion: meta.currentVersion,
      versionCount: meta.versions.length,
      destroyedVersions: meta.versions
        .filter(v => v.destroyed)
        .map(v => v.version),
      deletedVersions: meta.versions
        .filter(v => !v.destroyed && deleted(v))
        .map(v => v.version),
      lastRotated,
      ageSeconds,
      rotationPeriodSeconds: period,
      rotationSource,
      status,
      owner: meta.customMetadata.owner,
      uiUrl: vault.uiUrl(mount, path),
      podsNeedingRestart: restart,
    };
  }

  /** The entity's pods by the secret (`mount/path`) their Vault Agent annotations render. */
  private podsBySecret(entity: Entity): Map<string, SecretPodStatus[]> {
    const out = new Map<string, SecretPodStatus[]>();
    const mounts = this.options.config.mounts;
    for (const { cluster, pod } of entityPods(entity, this.options.cache)) {
      if (!pod.vaultAnnotations || !pod.startedAt) continue;
      for (const [key, value] of Object.entries(pod.vaultAnnotations)) {
        if (!key.startsWith(AGENT_SECRET)) continue;
        const target = agentSecretPath(value, mounts);
        if (!target) continue;
        const id = `${target.mount}/${target.path}`;
        const list = out.get(id) ?? [];
        list.push({
          cluster,
          namespace: pod.namespace,
          name: pod.name,
          startedAt: pod.startedAt,
          file: key.slice(AGENT_SECRET.length),
        });
        out.set(id, list);
      }
    }
    return out;
  }

  private async leases(prefixes: string[], result: EntitySecretsStatus) {
    const { vault, config } = this.options;
    const leases: LeaseStatus[] = [];
    for (const prefix of prefixes) {
      let ids: string[];
      try {
        ids = await vault.listLeases(prefix);
      } catch (e) {
        if (e instanceof NotAllowedError) {
          result.problems.push({
            path: `sys/leases/lookup/${prefix}`,
            message: 'Vault denied the portal listing these leases',
          });
          continue;
        }
        this.unavailable(result, e);
      }
      for (const id of ids) {
        if (id.endsWith('/')) continue;
        if (leases.length >= config.maxLeases) {
          result.truncated = true;
          break;
        }
        try {
          const l = await vault.lease(id);
          if (!l) continue; // expired between the list and the lookup
          leases.push({
            id: l.id,
            prefix,
            ttlSeconds: l.ttlSeconds,
            expireTime: l.expireTime,
            renewable: l.renewable,
          });
        } catch (e) {
          if (e instanceof NotAllowedError) {
            result.problems.push({
              path: id,
              message: 'Vault denied the lease lookup',
            });
            continue;
          }
          this.unavailable(result, e);
        }
      }
    }
    result.leases = leases.sort((a, b) => a.ttlSeconds - b.ttlSeconds);
  }
}
