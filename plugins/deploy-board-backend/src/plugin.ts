import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { kubernetesCacheServiceRef } from '@groundcrew/plugin-infra-node';
import { createRouter } from './router';
import { DEFAULT_ENVIRONMENT_LABELS } from './service/buildBoard';
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
        catalog: catalogServiceRef,
        cache: kubernetesCacheServiceRef,
      },
      async init({
        config,
        logger,
        httpAuth,
        httpRouter,
        lifecycle,
        catalog,
        cache,
      }) {
        const c = config.getOptionalConfig('groundcrew.deployBoard');
        const boards = DeployBoardService.create({
          cache,
          catalog,
          logger,
          environmentLabels: {
            cluster:
              c?.getOptionalString('environmentLabels.cluster') ??
              DEFAULT_ENVIRONMENT_LABELS.cluster,
            namespace:
              c?.getOptionalString('environmentLabels.namespace') ??
              DEFAULT_ENVIRONMENT_LABELS.namespace,
          },
          debounceMs: c?.getOptionalNumber('stream.debounceMs'),
          readCheckTtlMs:
            (c?.getOptionalNumber('readCheckCacheSeconds') ?? 5) * 1000,
        });
        lifecycle.addShutdownHook(() => boards.stop());
        httpRouter.use(
          await createRouter({
            boards,
            httpAuth,
            logger,
            stream: {
              heartbeatMs:
                (c?.getOptionalNumber('stream.heartbeatSeconds') ?? 15) * 1000,
              maxBufferedBytes:
                c?.getOptionalNumber('stream.maxBufferedBytes') ??
                4 * 1024 * 1024,
            },
          }),
        );
      },
    });
  },
});
