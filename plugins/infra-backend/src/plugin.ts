import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  gcpServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { createRouter } from './router';
import { ClusterOverviewService } from './service/ClusterOverviewService';
import { EntityReadGuard } from './service/EntityReadGuard';
import { FleetLookupService } from './service/FleetLookupService';
import { GcpLookupService } from './service/GcpLookupService';
import { ProjectOverviewService } from './service/ProjectOverviewService';

/**
 * The infra backend: what the template wizards look up in GCP and in the Kubernetes fleet while a
 * person fills them in, and the overviews of the cluster and project entity pages.
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
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        gcp: gcpServiceRef,
        fleet: kubernetesFleetServiceRef,
        cache: kubernetesCacheServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        logger,
        permissions,
        gcp,
        fleet,
        cache,
      }) {
        httpRouter.addAuthPolicy({
          path: '/runway/schema.json',
          allow: 'unauthenticated',
        });
        httpRouter.use(
          await createRouter({
            lookups: GcpLookupService.create({ gcp }),
            fleet: FleetLookupService.create({ fleet }),
            clusterOverviews: ClusterOverviewService.create({
              fleet,
              cache,
              gcp,
              logger,
            }),
            projectOverviews: ProjectOverviewService.create({ gcp, logger }),
            entityReads: EntityReadGuard.create({ permissions }),
            httpAuth,
          }),
        );
      },
    });
  },
});
