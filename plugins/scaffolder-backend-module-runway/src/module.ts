import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { runwayServiceCreatePermission } from '@groundcrew/plugin-infra-common';
import {
  gcpServiceRef,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { createRunwayManifestValidateAction } from './actions/manifestValidate';
import { createRunwayServiceCreateAction } from './actions/serviceCreate';
import { readRunwayActionsConfig } from './config';

/**
 * The scaffolder actions `runway:manifest:validate` and `runway:service:create`.
 *
 * @public
 */
export const scaffolderModuleRunway = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'groundcrew-runway',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        auditor: coreServices.auditor,
        discovery: coreServices.discovery,
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
        discovery,
        gcp,
        fleet,
        events,
      }) {
        // Listed in the permission metadata, for policy authors and tools.
        permissionsRegistry.addPermissions([runwayServiceCreatePermission]);
        // Read first: an invalid value stops the backend with the key in the message.
        const actionsConfig = readRunwayActionsConfig(config);
        scaffolder.addActions(
          createRunwayManifestValidateAction(),
          createRunwayServiceCreateAction({
            fleet,
            gcp,
            permissions,
            userInfo,
            auditor,
            discovery,
            config: actionsConfig,
            events,
          }),
        );
      },
    });
  },
});
