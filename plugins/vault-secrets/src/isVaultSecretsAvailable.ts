import { Entity } from '@backstage/catalog-model';
import {
  GROUNDCREW_ANNOTATIONS,
  VAULT_COMMUNITY_ANNOTATIONS,
} from '@groundcrew/plugin-infra-common';

/**
 * Whether the entity names Vault paths (`groundcrew.io/vault-path` or the community plugin's
 * `vault.io/secrets-path`), so the Secrets tab has something to show.
 *
 * @public
 */
export function isVaultSecretsAvailable(entity: Entity): boolean {
  const a = entity.metadata.annotations ?? {};
  return Boolean(
    a[GROUNDCREW_ANNOTATIONS.vaultPath] ||
      a[VAULT_COMMUNITY_ANNOTATIONS.secretsPath],
  );
}
