/**
 * Scaffolder actions that create GCP projects and GKE clusters.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGcp as default } from './module';
export { createGcpProjectCreateAction } from './actions/gcpProjectCreate';
export { createGkeClusterCreateAction } from './actions/gkeClusterCreate';
