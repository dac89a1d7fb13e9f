import { Entity } from '@backstage/catalog-model';
import { hasTeleportAccess } from '@groundcrew/plugin-infra-common';

/**
 * Whether the entity has namespaces (and so Teleport role pairs) for the Access tab: a
 * `backstage.io/kubernetes-namespace`, `groundcrew.io/runway-service`, `backstage.io/kubernetes-id`
 * or `groundcrew.io/teleport-role` annotation.
 *
 * @public
 */
export function isTeleportAccessAvailable(entity: Entity): boolean {
  return hasTeleportAccess(entity);
}
