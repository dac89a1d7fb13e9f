export {
  FleetClusterPicker,
  fleetClusterPickerSchema,
} from './FleetClusterPicker';
export type { FleetClusterPickerUiOptions } from './FleetClusterPicker';
