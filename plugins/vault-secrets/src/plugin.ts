import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { vaultSecretsApiRef, VaultSecretsClient } from './api';
import { rootRouteRef } from './routes';

/** @public */
export const vaultSecretsPlugin = createPlugin({
  id: 'vault-secrets',
  apis: [
    createApiFactory({
      api: vaultSecretsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new VaultSecretsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { entityContent: rootRouteRef },
});

/**
 * The Secrets tab: every secret under the entity's Vault paths with its freshness, the pods that
 * need a restart, the leases, and Vault's own state.
 *
 * @public
 */
export const EntityVaultSecretsContent = vaultSecretsPlugin.provide(
  createRoutableExtension({
    name: 'EntityVaultSecretsContent',
    component: () =>
      import('./components/SecretsContent').then(m => m.SecretsContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview card: counts of fresh / due / overdue secrets and pods to restart.
 *
 * @public
 */
export const EntityVaultSecretsCard = vaultSecretsPlugin.provide(
  createComponentExtension({
    name: 'EntityVaultSecretsCard',
    component: {
      lazy: () => import('./components/SecretsCard').then(m => m.SecretsCard),
    },
  }),
);
