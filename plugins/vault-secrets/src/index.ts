/**
 * Groundcrew secrets status: Vault metadata of an entity's secrets on its page — freshness against
 * rotation policy, pods that need a restart, leases — never a value.
 *
 * @packageDocumentation
 */
export {
  vaultSecretsPlugin,
  EntityVaultSecretsCard,
  EntityVaultSecretsContent,
} from './plugin';
export { isVaultSecretsAvailable } from './isVaultSecretsAvailable';
export * from './api';
