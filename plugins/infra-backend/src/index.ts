/**
 * Groundcrew infrastructure lookups for the template wizards: GCP project id availability,
 * projects, regions, billing accounts and GKE clusters.
 *
 * @packageDocumentation
 */
export { infraPlugin as default } from './plugin';
