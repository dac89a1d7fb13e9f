import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { trafficUpdatePermission } from '@groundcrew/plugin-infra-common';
import {
  gcpServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { readTrafficConfig } from './config';
import { createRouter } from './router';
import { RouteWriter } from './service/RouteWriter';
import { TrafficHistory } from './service/TrafficHistory';
import { TrafficService } from './service/TrafficService';

/**
 * The traffic backend: the stable/canary weights of an entity's routes, changed by server-side
 * apply behind a permission, with an audit event and a history row per change.
 *
 * @public
 */
export const trafficPlugin = createBackendPlugin({
  pluginId: 'traffic',
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
        database: coreServices.database,
        catalog: catalogServiceRef,
        cache: kubernetesCacheServiceRef,
        fleet: kubernetesFleetServiceRef,
        gcp: gcpServiceRef,
      },
      async init(deps) {
        // Listed in the permission metadata, for policy authors and tools.
        deps.permissionsRegistry.addPermissions([trafficUpdatePermission]);
        // Read first: an invalid value stops the backend with the key in the message.
        const settings = readTrafficConfig(deps.config);
        const history = await TrafficHistory.create({
          knex: await deps.database.getClient(),
          skipMigrations: deps.database.migrations?.skip,
        });
        const traffic = TrafficService.create({
          cache: deps.cache,
          catalog: deps.catalog,
          permissions: deps.permissions,
          auditor: deps.auditor,
          history,
          writer: RouteWriter.create({ fleet: deps.fleet }),
          logger: deps.logger,
          gcp: deps.gcp,
        });
        deps.httpRouter.use(
          await createRouter({
            traffic,
            httpAuth: deps.httpAuth,
            logger: deps.logger,
            stream: settings.stream,
          }),
        );
      },
    });
  },
});
