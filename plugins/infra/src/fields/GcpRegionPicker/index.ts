export { GcpRegionPicker, gcpRegionPickerSchema } from './GcpRegionPicker';
