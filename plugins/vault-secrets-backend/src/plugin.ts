import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { secretsReadPermission } from '@groundcrew/plugin-infra-common';
import {
  kubernetesCacheServiceRef,
  vaultServiceRef,
} from '@groundcrew/plugin-infra-node';
import { readVaultSecretsConfig } from './config';
import { createRouter } from './router';
import { VaultSecretsService } from './service/VaultSecretsService';

/**
 * The vault-secrets backend: an entity's secrets status from Vault metadata (never values), its
 * leases, and the pods that run on an older secret version.
 *
 * @public
 */
export const vaultSecretsPlugin = createBackendPlugin({
  pluginId: 'vault-secrets',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        cache: kubernetesCacheServiceRef,
        vault: vaultServiceRef,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
        cache,
        vault,
      }) {
        // Listed in the permission metadata, for policy authors and tools.
        permissionsRegistry.addPermissions([secretsReadPermission]);
        // Read first: an invalid value stops the backend with the key in the message.
        const settings = readVaultSecretsConfig(config);
        const secrets = VaultSecretsService.create({
          vault,
          cache,
          catalog,
          permissions,
          logger,
          config: settings,
        });
        httpRouter.use(await createRouter({ secrets, httpAuth }));
      },
    });
  },
});
