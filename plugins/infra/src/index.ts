/**
 * Groundcrew's frontend infra parts: scaffolder field extensions for GCP projects, regions, GKE
 * clusters and the clusters of the Groundcrew fleet, served by `@groundcrew/plugin-infra-backend`.
 *
 * @packageDocumentation
 */
export {
  infraPlugin,
  GcpProjectIdPickerFieldExtension,
  GcpProjectPickerFieldExtension,
  GcpRegionPickerFieldExtension,
  GkeClusterPickerFieldExtension,
  FleetClusterPickerFieldExtension,
} from './plugin';
export type { GcpProjectIdPickerUiOptions } from './fields/GcpProjectIdPicker';
export type { GkeClusterPickerUiOptions } from './fields/GkeClusterPicker';
export type { FleetClusterPickerUiOptions } from './fields/FleetClusterPicker';
export * from './api';
export { InfraSearchResultListItemExtension } from './search/extensions';
export {
  InfraSearchResultListItem,
  INFRA_KIND_DISPLAY,
} from './search/InfraSearchResultListItem';
export type { InfraSearchResultListItemProps } from './search/InfraSearchResultListItem';
export {
  INFRA_SEARCH_KINDS,
  INFRA_SEARCH_TYPE,
} from '@groundcrew/plugin-infra-common';
export {
  EntityGcpProjectOverviewCard,
  EntityKubernetesClusterOverviewCard,
} from './entity/extensions';
export {
  isGcpProjectEntity,
  isKubernetesClusterEntity,
} from './entity/entityResources';
