/**
 * Groundcrew access: Teleport access requests on the entity page — read-only by default, write
 * access by request and review.
 *
 * @packageDocumentation
 */
export { teleportAccessPlugin, EntityTeleportAccessContent } from './plugin';
export { isTeleportAccessAvailable } from './isTeleportAccessAvailable';
export * from './api';
