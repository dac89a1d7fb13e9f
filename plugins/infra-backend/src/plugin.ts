import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { gcpServiceRef } from '@groundcrew/plugin-infra-node';
import { createRouter } from './router';
import { GcpLookupService } from './service/GcpLookupService';

/**
 * The infra backend: what the template wizards look up in GCP while a person fills them in.
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
      },
      async init({ httpAuth, httpRouter, gcp }) {
        httpRouter.use(
          await createRouter({
            lookups: GcpLookupService.create({ gcp }),
            httpAuth,
          }),
        );
      },
    });
  },
});
