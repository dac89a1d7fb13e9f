export { infraApiRef } from './InfraApi';
export type {
  FleetCluster,
  GcpBillingAccount,
  GcpRegion,
  GkeClusterSummary,
  InfraApi,
  InfraRequestOptions,
} from './InfraApi';
export { InfraClient } from './InfraClient';
export type { InfraClientOptions } from './InfraClient';
