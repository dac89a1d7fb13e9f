export { GkeClusterPicker, gkeClusterPickerSchema } from './GkeClusterPicker';
export type { GkeClusterPickerUiOptions } from './GkeClusterPicker';
