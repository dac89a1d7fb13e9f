/**
 * The one client layer of Groundcrew for outside systems, as backend services.
 *
 * @packageDocumentation
 */
export {
  gcpServiceFactory,
  gcpServiceRef,
  vaultServiceFactory,
  vaultServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceFactory,
  kubernetesFleetServiceRef,
  teleportServiceFactory,
  teleportServiceRef,
  nativeHeapServiceFactory,
  nativeHeapServiceRef,
} from './services';
export type { NativeHeapService } from './memory/nativeHeap';
export { TeleportClient } from './teleport/TeleportClient';
export { parseIdentityFile } from './teleport/identityFile';
export type { TeleportTlsIdentity } from './teleport/identityFile';
export {
  readTeleportConfig,
  TELEPORT_AUTH_SERVER_NAME,
} from './teleport/teleportConfig';
export type {
  TeleportConfig,
  TeleportCredentialFiles,
} from './teleport/teleportConfig';
export { TeleportError } from './teleport/types';
export type {
  TeleportAccessRequest,
  TeleportAccessReview,
  TeleportErrorReason,
  TeleportRequestState,
  TeleportRole,
  TeleportService,
} from './teleport/types';
export { KubernetesWatchCache } from './kubernetes/cache/KubernetesWatchCache';
export type { KubernetesCacheService } from './kubernetes/cache/KubernetesWatchCache';
export type {
  CacheChange,
  ClusterCacheState,
  WatchedKind,
} from './kubernetes/cache/ClusterWatcher';
export { CACHE_KINDS, ROUTE_KINDS } from './kubernetes/cache/ClusterWatcher';
export { LabelSelector } from './kubernetes/cache/labelSelector';
export { entitySelector, selectorKey } from './kubernetes/entitySelector';
export { readServerVersion } from './kubernetes/serverVersion';
export { clusterProblem } from './kubernetes/clusterProblem';
export type {
  CachedDeployment,
  CachedFlux,
  CachedMeta,
  CachedNamespace,
  CachedPod,
  CachedReplicaSet,
} from './kubernetes/cache/trim';
export type {
  CachedRoute,
  CachedRouteBackend,
  CachedRouteRule,
} from './kubernetes/cache/trimRoute';
export {
  trimHttpRoute,
  trimIngress,
  trimVirtualService,
} from './kubernetes/cache/trimRoute';
export type { WatchedObject } from './kubernetes/cache/trim';
export type { CachedPodEvent } from './kubernetes/cache/podEvents';
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
export { GoogleCloud } from './gcp/GoogleCloud';
export {
  createRootLoggerServiceFactory,
  writeConfigSchema,
} from './rootLogger';
export { GcpAuthClient } from './gcp/GcpAuthClient';
export { StaticTokenAuthClient } from './gcp/StaticTokenAuthClient';
export { readGcpConfig } from './gcp/gcpConfig';
export type { GcpAuth, GcpConfig } from './gcp/gcpConfig';
export type {
  GcpAsset,
  GcpBillingAccount,
  GcpIamPolicy,
  GcpService,
  GcpWaitOptions,
  GkeClusterSpec,
  GkeOperation,
} from './gcp/GcpService';
export {
  INFRA_CHANGED_TOPIC,
  publishInfraChanged,
} from './events/infraChanged';
export type {
  InfraChangedPayload,
  InfraEventsPublisher,
} from './events/infraChanged';
export { audited } from './scaffolder/audited';
export { checkInput } from './scaffolder/checkInput';
export type { InputSchema } from './scaffolder/checkInput';
export { NodeVault } from './vault/NodeVault';
export { UnconfiguredVault } from './vault/UnconfiguredVault';
export { readVaultConfig } from './vault/vaultConfig';
export type { VaultAuth, VaultConfig } from './vault/vaultConfig';
export type {
  VaultHealth,
  VaultLease,
  VaultSecretMetadata,
  VaultSecretVersion,
  VaultService,
  VaultTokenInfo,
} from './vault/VaultService';
