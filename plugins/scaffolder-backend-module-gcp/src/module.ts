import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  gcpProjectCreatePermission,
  gkeClusterCreatePermission,
} from '@groundcrew/plugin-infra-common';
import {
  gcpServiceRef,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { createGcpProjectCreateAction } from './actions/gcpProjectCreate';
import { createGkeClusterCreateAction } from './actions/gkeClusterCreate';
import { readGcpActionsConfig } from './config';

/**
 * The scaffolder actions `gcp:project:create` and `gke:cluster:create`.
 *
 * @public
 */
export const scaffolderModuleGcp = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'groundcrew-gcp',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        gcp: gcpServiceRef,
        fleet: kubernetesFleetServiceRef,
        events: eventsServiceRef,
      },
      async init({
        scaffolder,
        config,
        permissions,
        permissionsRegistry,
        userInfo,
        auditor,
        gcp,
        fleet,
        events,
      }) {
        // Listed in the permission metadata, for policy authors and tools.
        permissionsRegistry.addPermissions([
          gcpProjectCreatePermission,
          gkeClusterCreatePermission,
        ]);
        // Read first: an invalid value stops the backend with the key in the message.
        const actionsConfig = readGcpActionsConfig(config);
        scaffolder.addActions(
          createGcpProjectCreateAction({
            gcp,
            permissions,
            userInfo,
            auditor,
            config: actionsConfig,
            events,
          }),
          createGkeClusterCreateAction({
            gcp,
            fleet,
            permissions,
            userInfo,
            auditor,
            config: actionsConfig,
            events,
          }),
        );
      },
    });
  },
});
