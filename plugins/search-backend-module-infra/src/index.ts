/**
 * Portal search for Groundcrew's infrastructure: a collator of services, clusters, GCP projects and
 * Vault paths (names only), as a backend module of the search plugin.
 *
 * @packageDocumentation
 */
export { searchModuleInfraCollator as default } from './module';
export { InfraCollatorFactory } from './collator/InfraCollatorFactory';
export { readInfraSearchConfig, DEFAULT_SEARCH_SETTINGS } from './config';
export type { InfraSearchSettings } from './config';
