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
