/**
 * Groundcrew's frontend infra parts: scaffolder field extensions for GCP projects, regions and GKE
 * clusters, served by `@groundcrew/plugin-infra-backend`.
 *
 * @packageDocumentation
 */
export {
  infraPlugin,
  GcpProjectIdPickerFieldExtension,
  GcpProjectPickerFieldExtension,
  GcpRegionPickerFieldExtension,
  GkeClusterPickerFieldExtension,
} from './plugin';
export type { GcpProjectIdPickerUiOptions } from './fields/GcpProjectIdPicker';
export type { GkeClusterPickerUiOptions } from './fields/GkeClusterPicker';
export * from './api';
