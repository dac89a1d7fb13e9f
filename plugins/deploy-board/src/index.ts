/**
 * The Groundcrew deploy board: an entity's workloads in every cluster of the fleet, by environment,
 * Runway stage and track, kept live over server-sent events.
 *
 * @packageDocumentation
 */
export {
  deployBoardPlugin,
  EntityDeployBoardCard,
  EntityDeployBoardContent,
} from './plugin';
export { isDeployBoardAvailable } from './isDeployBoardAvailable';
export * from './api';
