import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  gcpServiceRef,
  INFRA_CHANGED_TOPIC,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { readCatalogInfraConfig } from './config';
import { GroundcrewInfraEntityProvider } from './provider/GroundcrewInfraEntityProvider';
import { createRouter } from './router';

/**
 * The catalog module that adds {@link GroundcrewInfraEntityProvider}: GCP projects, Kubernetes
 * clusters and Runway services as entities, refreshed on `groundcrew.catalog.schedule` and right
 * after a template publishes `groundcrew.infra.changed`.
 *
 * @public
 */
export const catalogModuleGroundcrewInfra = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'groundcrew-infra',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        gcp: gcpServiceRef,
        fleet: kubernetesFleetServiceRef,
        cache: kubernetesCacheServiceRef,
      },
      async init({
        catalogProcessing,
        config,
        logger,
        scheduler,
        auth,
        httpRouter,
        catalog,
        events,
        gcp,
        fleet,
        cache,
      }) {
        // Read first: an invalid value stops the backend with the key in the message.
        const settings = readCatalogInfraConfig(config);
        const provider = GroundcrewInfraEntityProvider.create({
          gcp,
          fleet,
          cache,
          catalog,
          auth,
          logger: logger.child({ provider: 'groundcrew-infra' }),
          platformGroup: settings.platformGroup,
          serviceGracePeriodMs: settings.serviceGracePeriodMs,
          taskRunner: scheduler.createScheduledTaskRunner(settings.schedule),
        });
        catalogProcessing.addEntityProvider(provider);

        await events.subscribe({
          id: 'groundcrew-infra-provider',
          topics: [INFRA_CHANGED_TOPIC],
          onEvent: async event => {
            const payload = event.eventPayload as { entityRef?: unknown };
            const what =
              typeof payload?.entityRef === 'string'
                ? payload.entityRef
                : 'infrastructure';
            logger.info(
              `Refreshing Groundcrew infrastructure: ${what} changed`,
            );
            await provider.refreshIfConnected();
          },
        });

        httpRouter.use(await createRouter({ status: () => provider.status() }));
      },
    });
  },
});
