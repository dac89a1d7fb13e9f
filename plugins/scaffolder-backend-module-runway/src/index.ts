/**
 * Scaffolder actions that validate a Runway manifest and turn up a Runway service on GKE (through
 * Flux) or Cloud Run.
 *
 * @packageDocumentation
 */
export { scaffolderModuleRunway as default } from './module';
export { createRunwayManifestValidateAction } from './actions/manifestValidate';
export { createRunwayServiceCreateAction } from './actions/serviceCreate';
export { readRunwayActionsConfig } from './config';
export type { RunwayActionsConfig, RunwayChart } from './config';
