export { vaultSecretsApiRef } from './VaultSecretsApi';
export type { VaultSecretsApi } from './VaultSecretsApi';
export { VaultSecretsClient } from './VaultSecretsClient';
