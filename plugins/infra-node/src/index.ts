/**
 * The one client layer of Groundcrew for outside systems, as backend services.
 *
 * @packageDocumentation
 */
export {
  kubernetesFleetServiceFactory,
  kubernetesFleetServiceRef,
} from './services';
export { KubernetesFleet } from './kubernetes/KubernetesFleet';
export type {
  ClusterRegistration,
  FleetEvent,
  KubernetesFleetService,
} from './kubernetes/KubernetesFleet';
export type {
  ClusterAuth,
  ClusterDefinition,
} from './kubernetes/clusterConfig';
