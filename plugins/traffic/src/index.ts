/**
 * Groundcrew traffic: the stable/canary weights of an entity's routes (Gateway API, Istio,
 * ingress-nginx, Cloud Run), changed in steps with a reason, live.
 *
 * @packageDocumentation
 */
export {
  trafficPlugin,
  EntityTrafficCard,
  EntityTrafficContent,
} from './plugin';
export { isTrafficAvailable } from './isTrafficAvailable';
export * from './api';
