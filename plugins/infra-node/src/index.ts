/**
 * The one client layer of Groundcrew for outside systems, as backend services.
 *
 * @packageDocumentation
 */
export {
  gcpServiceFactory,
  gcpServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceFactory,
  kubernetesFleetServiceRef,
} from './services';
export { KubernetesWatchCache } from './kubernetes/cache/KubernetesWatchCache';
export type { KubernetesCacheService } from './kubernetes/cache/KubernetesWatchCache';
export type {
  CacheChange,
  ClusterCacheState,
  WatchedKind,
} from './kubernetes/cache/ClusterWatcher';
export { LabelSelector } from './kubernetes/cache/labelSelector';
export type {
  CachedDeployment,
  CachedFlux,
  CachedMeta,
  CachedNamespace,
  CachedPod,
  CachedReplicaSet,
} from './kubernetes/cache/trim';
export { KubernetesFleet } from './kubernetes/KubernetesFleet';
export type {
  ClusterRegistration,
  FleetEvent,
  KubernetesFleetService,
} from './kubernetes/KubernetesFleet';
export { DEFAULT_CACHE_CONFIG } from './kubernetes/clusterConfig';
export type {
  CacheConfig,
  ClusterAuth,
  ClusterDefinition,
} from './kubernetes/clusterConfig';
export {
  createRootLoggerServiceFactory,
  writeConfigSchema,
} from './rootLogger';
export { GoogleCloud } from './gcp/GoogleCloud';
export { GcpAuthClient } from './gcp/GcpAuthClient';
export { StaticTokenAuthClient } from './gcp/StaticTokenAuthClient';
export { readGcpConfig } from './gcp/gcpConfig';
export type { GcpAuth, GcpConfig } from './gcp/gcpConfig';
export type {
  GcpBillingAccount,
  GcpIamPolicy,
  GcpService,
  GcpWaitOptions,
  GkeClusterSpec,
  GkeOperation,
} from './gcp/GcpService';
export { audited } from './scaffolder/audited';
export { checkInput } from './scaffolder/checkInput';
export type { InputSchema } from './scaffolder/checkInput';
