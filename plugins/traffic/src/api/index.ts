export { trafficApiRef } from './TrafficApi';
export type { StreamTrafficOptions, TrafficApi } from './TrafficApi';
export { TrafficClient } from './TrafficClient';
