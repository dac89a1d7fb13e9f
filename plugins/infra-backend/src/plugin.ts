import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  gcpServiceRef,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { createRouter } from './router';
import { FleetLookupService } from './service/FleetLookupService';
import { GcpLookupService } from './service/GcpLookupService';

/**
 * The infra backend: what the template wizards look up in GCP and in the Kubernetes fleet while a
 * person fills them in.
 *
 * @public
 */
export const infraPlugin = createBackendPlugin({
  pluginId: 'infra',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        gcp: gcpServiceRef,
        fleet: kubernetesFleetServiceRef,
      },
      async init({ httpAuth, httpRouter, gcp, fleet }) {
        httpRouter.addAuthPolicy({
          path: '/runway/schema.json',
          allow: 'unauthenticated',
        });
        httpRouter.use(
          await createRouter({
            lookups: GcpLookupService.create({ gcp }),
            fleet: FleetLookupService.create({ fleet }),
            httpAuth,
          }),
        );
      },
    });
  },
});
