export { GcpProjectIdPicker } from './GcpProjectIdPicker';
export { gcpProjectIdPickerSchema } from './schema';
export type { GcpProjectIdPickerUiOptions } from './schema';
export { gcpProjectIdValidation } from './validation';
