import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GroundcrewPermissionPolicy } from './GroundcrewPermissionPolicy';

/**
 * Installs the Groundcrew permission policy. The platform group comes from
 * `groundcrew.permissions.platformGroup` (default `group:default/platform`).
 *
 * @public
 */
export const permissionModuleGroundcrewPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'groundcrew-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ policy, config }) {
        policy.setPolicy(
          GroundcrewPermissionPolicy.create({
            platformGroupRef: config.getOptionalString(
              'groundcrew.permissions.platformGroup',
            ),
            ownersOnlyReads: config.getOptionalStringArray(
              'groundcrew.permissions.ownersOnlyReads',
            ),
          }),
        );
      },
    });
  },
});
