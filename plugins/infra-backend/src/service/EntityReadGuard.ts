import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { isAllowed } from '@groundcrew/plugin-infra-common';

/**
 * Whether the caller may read the catalog entity a page belongs to: the catalog's own
 * `catalog.entity.read`, asked of the permission framework with the entity as the resource, so
 * that an overview shows exactly to whom the catalog shows the entity.
 */
export class EntityReadGuard {
  static create(options: { permissions: PermissionsService }) {
    return new EntityReadGuard(options.permissions);
  }

  private constructor(private readonly permissions: PermissionsService) {}

  /** NotAllowedError (403) naming the entity and the permission when the policy denies. */
  async check(options: {
    credentials: BackstageCredentials;
    entityRef: string;
    /** What the caller asked for, in words: "the overview of cluster gke-a". */
    what: string;
  }): Promise<void> {
    const { credentials, entityRef, what } = options;
    const [decision] = await this.permissions.authorize(
      [{ permission: catalogEntityReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (!isAllowed(decision)) {
      throw new NotAllowedError(
        `You may not see ${what}: reading ${entityRef} is not allowed (permission ${catalogEntityReadPermission.name})`,
      );
    }
  }
}
