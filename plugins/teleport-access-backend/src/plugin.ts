import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { accessReviewPermission } from '@groundcrew/plugin-infra-common';
import { teleportServiceRef } from '@groundcrew/plugin-infra-node';
import { readTeleportAccessConfig } from './config';
import { createRouter } from './router';
import { TeleportAccessService } from './service/TeleportAccessService';

/**
 * The Access backend: Teleport access requests for an entity's namespaces — request write
 * access, review (permission `groundcrew.access.review`), one audit event per change.
 *
 * @public
 */
export const teleportAccessPlugin = createBackendPlugin({
  pluginId: 'teleport-access',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        teleport: teleportServiceRef,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        auditor,
        catalog,
        teleport,
      }) {
        // Listed in the permission metadata, for policy authors and tools.
        permissionsRegistry.addPermissions([accessReviewPermission]);
        // Read first: an invalid value stops the backend with the key in the message.
        const settings = readTeleportAccessConfig(config);
        const access = TeleportAccessService.create({
          teleport,
          catalog,
          permissions,
          auditor,
          logger,
          config: settings,
        });
        httpRouter.use(await createRouter({ access, httpAuth }));
      },
    });
  },
});
