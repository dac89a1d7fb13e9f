import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import { EntitySecretsStatus } from '@groundcrew/plugin-infra-common';

/**
 * Reads an entity's secrets status (Vault metadata only) from the vault-secrets backend.
 *
 * @public
 */
export interface VaultSecretsApi {
  getStatus(entityRef: CompoundEntityRef): Promise<EntitySecretsStatus>;
}

/** @public */
export const vaultSecretsApiRef = createApiRef<VaultSecretsApi>({
  id: 'plugin.vault-secrets.service',
});
