/**
 * The Groundcrew permission policy as a backend module for the permission plugin.
 *
 * @packageDocumentation
 */
export { permissionModuleGroundcrewPolicy as default } from './module';
export { GroundcrewPermissionPolicy } from './GroundcrewPermissionPolicy';
