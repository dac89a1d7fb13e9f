export { GcpProjectPicker, gcpProjectPickerSchema } from './GcpProjectPicker';
