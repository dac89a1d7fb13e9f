/**
 * The vault-secrets backend plugin: secrets status of catalog entities from Vault metadata only.
 *
 * @packageDocumentation
 */
export { vaultSecretsPlugin as default } from './plugin';
