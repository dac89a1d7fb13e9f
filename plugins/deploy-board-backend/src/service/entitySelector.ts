// Moved to infra-node: the deploy board and the traffic plugin find an entity's objects alike.
export { entitySelector, selectorKey } from '@groundcrew/plugin-infra-node';
