import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  gcpServiceRef,
  kubernetesCacheServiceRef,
  vaultServiceRef,
} from '@groundcrew/plugin-infra-node';
import { InfraCollatorFactory } from './collator/InfraCollatorFactory';
import { readInfraSearchConfig } from './config';

/**
 * Indexes Groundcrew's infrastructure (services, clusters, GCP projects, Vault paths by name) for
 * portal search, on the schedule of `groundcrew.search.schedule`.
 *
 * @public
 */
export const searchModuleInfraCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'groundcrew-infra-collator',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        indexRegistry: searchIndexRegistryExtensionPoint,
        catalog: catalogServiceRef,
        cache: kubernetesCacheServiceRef,
        gcp: gcpServiceRef,
        vault: vaultServiceRef,
      },
      async init({
        config,
        logger,
        auth,
        scheduler,
        indexRegistry,
        catalog,
        cache,
        gcp,
        vault,
      }) {
        // Read first: an invalid value stops the backend with the key in the message.
        const { schedule, settings } = readInfraSearchConfig(config);
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(schedule),
          factory: InfraCollatorFactory.create({
            cache,
            gcp,
            vault,
            logger,
            catalog: { service: catalog, auth },
            settings,
          }),
        });
      },
    });
  },
});
