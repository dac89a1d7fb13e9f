/**
 * A catalog module with the Groundcrew infrastructure entity provider: GCP projects, Kubernetes
 * clusters and Runway services as catalog entities.
 *
 * @packageDocumentation
 */
export { catalogModuleGroundcrewInfra as default } from './module';
export { GroundcrewInfraEntityProvider } from './provider/GroundcrewInfraEntityProvider';
export type {
  GroundcrewInfraEntityProviderOptions,
  InfraProviderStatus,
  InfraSourceStatus,
} from './provider/GroundcrewInfraEntityProvider';
export {
  INFRA_ANNOTATIONS,
  INFRA_LABELS,
  CLUSTER_CLASSES,
} from './provider/entities';
