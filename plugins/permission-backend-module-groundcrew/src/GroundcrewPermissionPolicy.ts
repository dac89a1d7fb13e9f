import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  groundcrewPermissionRules,
  PLATFORM_GROUP_REF,
} from '@groundcrew/plugin-infra-common';

/**
 * The Groundcrew default policy.
 *
 * - Reads are allowed to every signed-in user, except the Groundcrew reads named in
 *   `ownersOnlyReads`: those go to the entity's owners like a mutation.
 * - Members of the platform group may do everything.
 * - A mutation of a catalog entity (Groundcrew's, or the catalog's own delete / refresh) is allowed
 *   to the entity's owners: a conditional decision that the catalog evaluates.
 * - A Groundcrew permission whose audience is `platform` is denied to everyone else.
 * - Other mutations that are not about an entity (running a template, registering a location) are
 *   allowed: what a template spends is guarded by the Groundcrew permission its action checks.
 *
 * @public
 */
export class GroundcrewPermissionPolicy implements PermissionPolicy {
  private readonly platformOnly: ReadonlySet<string>;
  private readonly ownersOnlyReads: ReadonlySet<string>;

  /**
   * `ownersOnlyReads`: names of Groundcrew read permissions on catalog entities (e.g.
   * `groundcrew.deployBoard.read`); any other name stops the start with an error naming the key.
   */
  static create(options?: {
    platformGroupRef?: string;
    ownersOnlyReads?: string[];
  }) {
    const restricted = options?.ownersOnlyReads ?? [];
    for (const [i, name] of restricted.entries()) {
      const rule = groundcrewPermissionRules.find(
        r => r.permission.name === name,
      );
      if (
        !rule ||
        rule.permission.attributes.action !== 'read' ||
        !isResourcePermission(rule.permission, RESOURCE_TYPE_CATALOG_ENTITY)
      ) {
        throw new Error(
          `groundcrew.permissions.ownersOnlyReads[${i}] must be a Groundcrew read permission on catalog entities, got ${JSON.stringify(
            name,
          )}`,
        );
      }
    }
    return new GroundcrewPermissionPolicy(
      options?.platformGroupRef ?? PLATFORM_GROUP_REF,
      new Set(restricted),
    );
  }

  private constructor(
    private readonly platformGroupRef: string,
    ownersOnlyReads: ReadonlySet<string>,
  ) {
    this.ownersOnlyReads = ownersOnlyReads;
    this.platformOnly = new Set(
      groundcrewPermissionRules
        .filter(r => r.audience === 'platform')
        .map(r => r.permission.name),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      permission.attributes.action === 'read' &&
      !this.ownersOnlyReads.has(permission.name)
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.includes(this.platformGroupRef)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (this.platformOnly.has(permission.name)) {
      return { result: AuthorizeResult.DENY };
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
      if (!user) {
        return { result: AuthorizeResult.DENY };
      }
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
