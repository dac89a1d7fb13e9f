/**
 * Imitation servers of the outside systems Groundcrew talks to, at their wire
 * protocols, with demo data.
 *
 * @packageDocumentation
 */
export { startSandbox } from './sandbox';
export type {
  Sandbox,
  SandboxCluster,
  SandboxClusterSpec,
  SandboxGcp,
  SandboxGcpOptions,
  SandboxGitlab,
  SandboxGitlabOptions,
  SandboxVault,
  SandboxVaultOptions,
  SandboxOidc,
  SandboxOidcOptions,
  SandboxTeleport,
  SandboxTeleportOptions,
  StartSandboxOptions,
} from './sandbox';
export { SandboxControl } from './control';
export type {
  FaultSpec,
  SandboxControlOptions,
  SandboxCounters,
} from './control';
export { GcpServer } from './gcp/server';
export type { GcpServerOptions } from './gcp/server';
export { GcpControl } from './gcp/control';
export type { GcpClusterHost } from './gcp/api';
export { DEFAULT_GCP_TIMINGS } from './gcp/operations';
export type { GcpTimings, OperationDirective } from './gcp/operations';
export type { RpcStatus } from './gcp/errors';
export type {
  BillingAccountRecord,
  ClusterRecord,
  FolderRecord,
  GcpFixture,
  GcpPrincipal,
  GcpState,
  NodePoolRecord,
  OperationKind,
  OperationRecord,
  OrganizationRecord,
  ProjectRecord,
} from './gcp/types';
export {
  assetSearchDeniedPrincipal,
  DEMO_GCP,
  DEMO_GCP_OTHER_PRINCIPAL,
  DEMO_GCP_OTHER_TOKEN,
  DEMO_GCP_PRINCIPAL,
  DEMO_GCP_TOKEN,
  gcpDemoFixture,
} from './gcp/demo';
export type { GcpDemoOptions } from './gcp/demo';
export { GitlabServer } from './gitlab/server';
export type { GitlabServerOptions } from './gitlab/server';
export { GitlabControl } from './gitlab/control';
export {
  DEMO_GITLAB,
  DEMO_GITLAB_TOKEN,
  gitlabDemoFixture,
} from './gitlab/demo';
export type {
  GitlabFixture,
  GitlabFixtureProject,
  GitlabGroupRecord,
  GitlabProjectRecord,
  GitlabState,
  GitlabUserRecord,
  GitlabVisibility,
} from './gitlab/types';
export { OidcServer } from './oidc/server';
export type { OidcServerOptions } from './oidc/server';
export { OidcControl } from './oidc/control';
export type { OidcStateSummary } from './oidc/control';
export {
  DEMO_OIDC_CLIENT_ID,
  DEMO_OIDC_CLIENT_SECRET,
  DEMO_OIDC_USERS,
} from './oidc/demo';
export { DEFAULT_OIDC_TIMINGS } from './oidc/store';
export type {
  OidcClient,
  OidcTamper,
  OidcTimings,
  OidcUser,
} from './oidc/store';
export { KubernetesServer, DEFAULT_TIMINGS } from './kubernetes/server';
export type {
  KubernetesServerOptions,
  KubernetesTimings,
} from './kubernetes/server';
export { KINDS } from './kubernetes/kinds';
export type { KindInfo } from './kubernetes/kinds';
export type { KubeObject } from './kubernetes/types';
export { podFromTemplate, podTemplateHash } from './kubernetes/pods';
export {
  deployment,
  podTemplate,
  rolledOutWorkload,
  syntheticFixture,
} from './kubernetes/workloads';
export type { WorkloadOptions } from './kubernetes/workloads';
export { DEMO_CLUSTERS, DEMO_SERVICES, demoFixture } from './demo/demoFixture';
export {
  bulkGcpProjects,
  bulkRunwayServices,
  bulkServiceName,
  bulkVaultSecrets,
} from './demo/bulkInfra';
export { generateTlsMaterial, loadOrCreateTlsMaterial } from './framework/tls';
export type { TlsMaterial } from './framework/tls';
export {
  fleetClustersConfig,
  kubeConfigOptions,
  writeKubeconfig,
  kubeconfigYaml,
} from './kubeconfig';
export { VaultServer } from './vault/server';
export type { VaultServerOptions } from './vault/server';
export { VaultControl } from './vault/control';
export {
  DEMO_VAULT_POD_ANNOTATIONS,
  DEMO_VAULT_ROOT_TOKEN,
  DEMO_VAULT_TOKEN,
  PORTAL_POLICY,
  VAULT_CANARY,
  vaultDemoFixture,
} from './vault/demo';
export type {
  VaultCondition,
  VaultFixture,
  VaultFixtureSecret,
  VaultKubernetesRole,
  VaultMountRecord,
} from './vault/types';
export { TeleportServer, TELEPORT_PROTO_DIR } from './teleport/server';
export type { TeleportServerOptions } from './teleport/server';
export { TeleportControl } from './teleport/control';
export type { TeleportStateView } from './teleport/control';
export {
  DEMO_TELEPORT_BOT,
  DEMO_TELEPORT_NAMESPACES,
  DEMO_TELEPORT_REVIEWER_ROLE,
  namespaceRoles,
  teleportDemoFixture,
} from './teleport/demo';
export { TELEPORT_SERVER_NAME, formatIdentityFile } from './teleport/certs';
export type { TeleportIdentity } from './teleport/certs';
export type {
  TeleportFixture,
  TeleportRequestFixture,
  TeleportRoleFixture,
  TeleportUserFixture,
} from './teleport/types';
