/**
 * Deploy boards of catalog entities from the watch-fed Kubernetes cache.
 *
 * @packageDocumentation
 */
export { deployBoardPlugin as default } from './plugin';
