/**
 * The Access backend: Teleport access requests on the entity page.
 *
 * @packageDocumentation
 */
export { teleportAccessPlugin as default } from './plugin';
export { teleportAccessPlugin } from './plugin';
