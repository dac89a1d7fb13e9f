/**
 * Ingress weights of catalog entities' routes: read from the watch-fed cache, changed with
 * server-side apply, with audit events and a history.
 *
 * @packageDocumentation
 */
export { trafficPlugin as default } from './plugin';
