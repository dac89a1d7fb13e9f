import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { deployBoardReadPermission } from '@groundcrew/plugin-infra-common';
import { kubernetesCacheServiceRef } from '@groundcrew/plugin-infra-node';
import { createRouter } from './router';
import { readDeployBoardConfig } from './config';
import { DeployBoardService } from './service/DeployBoardService';

/**
 * The deploy-board backend: boards of catalog entities from the watch-fed Kubernetes cache, and a
 * live stream of them.
 *
 * @public
 */
export const deployBoardPlugin = createBackendPlugin({
  pluginId: 'deploy-board',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        cache: kubernetesCacheServiceRef,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        lifecycle,
        permissions,
        permissionsRegistry,
        catalog,
        cache,
      }) {
        // Read first: an invalid value stops the backend with the key in the message.
        const settings = readDeployBoardConfig(config);
        // Listed in the permission metadata, so that policy tools and adopters see it.
        permissionsRegistry.addPermissions([deployBoardReadPermission]);
        const boards = DeployBoardService.create({
          cache,
          catalog,
          permissions,
          logger,
          environmentLabels: settings.environmentLabels,
          debounceMs: settings.stream.debounceMs,
          readCheckTtlMs: settings.readCheckTtlMs,
        });
        lifecycle.addShutdownHook(() => boards.stop());
        httpRouter.use(
          await createRouter({
            boards,
            httpAuth,
            logger,
            stream: {
              heartbeatMs: settings.stream.heartbeatMs,
              maxBufferedBytes: settings.stream.maxBufferedBytes,
            },
          }),
        );
      },
    });
  },
});
