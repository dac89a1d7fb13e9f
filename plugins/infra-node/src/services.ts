import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  ServiceFactory,
  ServiceRef,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { readGcpConfig } from './gcp/gcpConfig';
import { readTeleportConfig } from './teleport/teleportConfig';
import type { TeleportService } from './teleport/types';
import type { GcpService } from './gcp/GcpService';
import { NodeVault } from './vault/NodeVault';
import { UnconfiguredVault } from './vault/UnconfiguredVault';
import { TeleportClient } from './teleport/TeleportClient';
import { GoogleCloud } from './gcp/GoogleCloud';
import { readVaultConfig } from './vault/vaultConfig';
import type { VaultService } from './vault/VaultService';
import { readCacheConfig, readFleetConfig } from './kubernetes/clusterConfig';
import { ClusterRegistry } from './kubernetes/ClusterRegistry';
import {
  KubernetesFleet,
  KubernetesFleetService,
} from './kubernetes/KubernetesFleet';
import {
  KubernetesCacheService,
  KubernetesWatchCache,
} from './kubernetes/cache/KubernetesWatchCache';
import {
  loadMallocTrim,
  NativeHeapService,
  NativeHeapTrimmer,
  readNativeHeapConfig,
} from './memory/nativeHeap';

function createNativeHeapFactory(
  service: ServiceRef<NativeHeapService, 'root'>,
): ServiceFactory<NativeHeapService, 'root'> {
  return createServiceFactory({
    service,
    deps: {
      config: coreServices.rootConfig,
      logger: coreServices.rootLogger,
      lifecycle: coreServices.rootLifecycle,
    },
    async factory({ config, logger, lifecycle }) {
      // Read first: an invalid value stops the backend with the key in the message.
      const nativeHeapConfig = readNativeHeapConfig(config);
      const trimmer = new NativeHeapTrimmer({
        config: nativeHeapConfig,
        mallocTrim: loadMallocTrim(),
        logger: logger.child({ service: 'groundcrew-native-heap' }),
      });
      lifecycle.addShutdownHook(() => trimmer.stop());
      return trimmer;
    },
  });
}

/**
 * Gives glibc's free memory back to the system every `groundcrew.nativeHeap.trimIntervalMs`
 * (`malloc_trim`). Root-scoped: one timer per backend process. The watch cache, GCP and Vault
 * services depend on it, so any backend that uses them trims; it does nothing off glibc.
 *
 * @public
 */
export const nativeHeapServiceRef = createServiceRef<NativeHeapService>({
  id: 'groundcrew.native-heap',
  scope: 'root',
  defaultFactory: async service => createNativeHeapFactory(service),
});

/**
 * The default native heap service, built from `groundcrew.nativeHeap`. Add it to the backend so an
 * invalid value stops the backend at start-up; replace it to bring your own.
 *
 * @public
 */
export const nativeHeapServiceFactory =
  createNativeHeapFactory(nativeHeapServiceRef);

function createFleetFactory(
  service: ServiceRef<KubernetesFleetService, 'root'>,
): ServiceFactory<KubernetesFleetService, 'root'> {
  return createServiceFactory({
    service,
    deps: {
      config: coreServices.rootConfig,
      logger: coreServices.rootLogger,
      lifecycle: coreServices.rootLifecycle,
    },
    async factory({ config, logger, lifecycle }) {
      // Read first: an invalid config stops the backend before anything else starts.
      const fleetConfig = readFleetConfig(config);
      const database = DatabaseManager.fromConfig(config).forPlugin(
        'groundcrew',
        { logger, lifecycle },
      );
      const registry = await ClusterRegistry.create({
        knex: await database.getClient(),
      });
      const fleet = await KubernetesFleet.create({
        config: fleetConfig,
        registry,
        logger: logger.child({ service: 'groundcrew-fleet' }),
      });
      fleet.start();
      lifecycle.addShutdownHook(() => fleet.stop());
      logger.info(
        `Groundcrew fleet: ${(await fleet.listClusters()).length} clusters`,
      );
      return fleet;
    },
  });
}

/**
 * The Kubernetes clusters Groundcrew works with. Root-scoped: one fleet per backend process, shared
 * by every plugin, so a cluster registered by the scaffolder is seen by the deploy board.
 *
 * @public
 */
export const kubernetesFleetServiceRef =
  createServiceRef<KubernetesFleetService>({
    id: 'groundcrew.kubernetes.fleet',
    scope: 'root',
    defaultFactory: async service => createFleetFactory(service),
  });

/**
 * The default fleet, built from `groundcrew.kubernetes` config. Add it to the backend
 * (`backend.add(kubernetesFleetServiceFactory)`) so that an invalid config stops the backend at
 * start-up even before a plugin uses the fleet; replace it to bring your own.
 *
 * @public
 */
export const kubernetesFleetServiceFactory = createFleetFactory(
  kubernetesFleetServiceRef,
);

/**
 * The watch-fed cache of the fleet's workloads (pods, deployments, replica sets, namespaces, Flux
 * objects), trimmed to what the boards need. Root-scoped: one set of watches per backend process,
 * whatever the number of plugins and browser tabs reading it.
 *
 * @public
 */
export const kubernetesCacheServiceRef =
  createServiceRef<KubernetesCacheService>({
    id: 'groundcrew.kubernetes.cache',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          config: coreServices.rootConfig,
          fleet: kubernetesFleetServiceRef,
          logger: coreServices.rootLogger,
          lifecycle: coreServices.rootLifecycle,
          // Started with the cache: its lists and watches are what fragment glibc's heap.
          nativeHeap: nativeHeapServiceRef,
        },
        async factory({ config, fleet, logger, lifecycle }) {
          // Read first: an invalid value stops the backend with the key in the message.
          const lists = readCacheConfig(config);
          const cache = await KubernetesWatchCache.create({
            fleet,
            logger: logger.child({ service: 'groundcrew-kubernetes-cache' }),
            lists,
          });
          lifecycle.addShutdownHook(() => cache.stop());
          return cache;
        },
      }),
  });

function createGcpFactory(
  service: ServiceRef<GcpService, 'root'>,
): ServiceFactory<GcpService, 'root'> {
  return createServiceFactory({
    service,
    deps: {
      config: coreServices.rootConfig,
      logger: coreServices.rootLogger,
      lifecycle: coreServices.rootLifecycle,
      // Started with the client: its calls' socket reads and TLS records fragment glibc's heap.
      nativeHeap: nativeHeapServiceRef,
    },
    async factory({ config, logger, lifecycle }) {
      // Read first: an invalid value stops the backend with the key in the message.
      const gcpConfig = readGcpConfig(config);
      const gcp = GoogleCloud.create({
        config: gcpConfig,
        logger: logger.child({ service: 'groundcrew-gcp' }),
      });
      lifecycle.addShutdownHook(() => gcp.close());
      return gcp;
    },
  });
}

/**
 * GCP (Resource Manager, Billing, Service Usage, IAM, GKE) through Google's clients, with the
 * credentials of `groundcrew.gcp`. Root-scoped: one set of clients per backend process.
 *
 * @public
 */
export const gcpServiceRef = createServiceRef<GcpService>({
  id: 'groundcrew.gcp',
  scope: 'root',
  defaultFactory: async service => createGcpFactory(service),
});

/**
 * The default GCP service, built from `groundcrew.gcp`. Add it to the backend so an invalid config
 * stops the backend at start-up; replace it to bring your own.
 *
 * @public
 */
export const gcpServiceFactory = createGcpFactory(gcpServiceRef);

function createVaultFactory(
  service: ServiceRef<VaultService, 'root'>,
): ServiceFactory<VaultService, 'root'> {
  return createServiceFactory({
    service,
    deps: {
      config: coreServices.rootConfig,
      logger: coreServices.rootLogger,
      lifecycle: coreServices.rootLifecycle,
      // Started with the client: its calls' socket reads and TLS records fragment glibc's heap.
      nativeHeap: nativeHeapServiceRef,
    },
    async factory({ config, logger, lifecycle }) {
      // Read first: an invalid value stops the backend with the key in the message.
      const vaultConfig = readVaultConfig(config);
      if (!vaultConfig) return new UnconfiguredVault();
      const vault = NodeVault.create({
        config: vaultConfig,
        logger: logger.child({ service: 'groundcrew-vault' }),
      });
      lifecycle.addShutdownHook(() => vault.stop());
      return vault;
    },
  });
}

/**
 * Vault through node-vault, with the token or Kubernetes login of `groundcrew.vault`: metadata
 * only, never a secret value. Root-scoped: one client and one renewed token per backend process.
 *
 * @public
 */
export const vaultServiceRef = createServiceRef<VaultService>({
  id: 'groundcrew.vault',
  scope: 'root',
  defaultFactory: async service => createVaultFactory(service),
});

/**
 * The default Vault service, built from `groundcrew.vault`. Add it to the backend so an invalid
 * config stops the backend at start-up; replace it to bring your own.
 *
 * @public
 */
export const vaultServiceFactory = createVaultFactory(vaultServiceRef);

function createTeleportFactory(
  service: ServiceRef<TeleportService, 'root'>,
): ServiceFactory<TeleportService, 'root'> {
  return createServiceFactory({
    service,
    deps: {
      config: coreServices.rootConfig,
      logger: coreServices.rootLogger,
      lifecycle: coreServices.rootLifecycle,
    },
    async factory({ config, logger, lifecycle }) {
      // Read first: an invalid value stops the backend with the key in the message.
      const teleportConfig = readTeleportConfig(config);
      const teleport = TeleportClient.create({
        config: teleportConfig,
        logger: logger.child({ service: 'groundcrew-teleport' }),
      });
      lifecycle.addShutdownHook(() => teleport.close());
      return teleport;
    },
  });
}

/**
 * Teleport's auth server through Teleport's own gRPC API (access requests, roles), with the
 * identity of `groundcrew.teleport`. Root-scoped: one connection per backend process. When the
 * section is absent the service is there but `configured` is false.
 *
 * @public
 */
export const teleportServiceRef = createServiceRef<TeleportService>({
  id: 'groundcrew.teleport',
  scope: 'root',
  defaultFactory: async service => createTeleportFactory(service),
});

/**
 * The default Teleport service, built from `groundcrew.teleport`. Add it to the backend so an
 * invalid config stops the backend at start-up; replace it to bring your own.
 *
 * @public
 */
export const teleportServiceFactory = createTeleportFactory(teleportServiceRef);
