import { Entity } from '@backstage/catalog-model';
import {
  GROUNDCREW_ANNOTATIONS,
  KUBERNETES_ANNOTATIONS,
} from '@groundcrew/plugin-infra-common';

const ROUTE_ANNOTATIONS = [
  GROUNDCREW_ANNOTATIONS.runwayService,
  KUBERNETES_ANNOTATIONS.id,
  KUBERNETES_ANNOTATIONS.labelSelector,
];

/**
 * Whether the entity says which objects are its own, so its routes can be found.
 *
 * @public
 */
export function isTrafficAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return ROUTE_ANNOTATIONS.some(a => Boolean(annotations[a]));
}
