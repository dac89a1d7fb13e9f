import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  AccessRequestView,
  AccessReviewBody,
  CreateAccessRequestBody,
  EntityAccessView,
} from '@groundcrew/plugin-infra-common';

/**
 * The teleport-access backend: an entity's access view, new requests and reviews.
 *
 * @public
 */
export interface TeleportAccessApi {
  getAccess(entityRef: CompoundEntityRef): Promise<EntityAccessView>;
  createRequest(body: CreateAccessRequestBody): Promise<AccessRequestView>;
  review(id: string, body: AccessReviewBody): Promise<AccessRequestView>;
}

/** @public */
export const teleportAccessApiRef = createApiRef<TeleportAccessApi>({
  id: 'plugin.teleport-access.service',
});
