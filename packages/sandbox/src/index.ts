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
export { generateTlsMaterial, loadOrCreateTlsMaterial } from './framework/tls';
export type { TlsMaterial } from './framework/tls';
export {
  fleetClustersConfig,
  kubeConfigOptions,
  writeKubeconfig,
  kubeconfigYaml,
} from './kubeconfig';
