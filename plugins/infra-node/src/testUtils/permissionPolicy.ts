// Test helpers, imported only by tests: the test utilities stay a devDependency.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { mockServices } from '@backstage/backend-test-utils';

/** One permission request, as a test's policy sees it. */
export interface PermissionAsk {
  /** The signed-in user's entity ref; undefined for a service. */
  user?: string;
  /** The permission's name: `catalog.entity.read`, `groundcrew.deployBoard.read`, … */
  permission: string;
  /** The resource it is asked for (an entity ref), for a resource permission. */
  resourceRef?: string;
}

/**
 * A permissions service with an adopter's policy of the test's own: ALLOW where `allows` says so,
 * DENY otherwise. Add its `factory` to the test backend; its `authorize` is a jest mock, so a test
 * can also see what was asked.
 */
export function permissionPolicy(allows: (ask: PermissionAsk) => boolean) {
  return mockServices.permissions.mock({
    async authorize(requests, options) {
      const user = (
        options.credentials.principal as { userEntityRef?: string } | undefined
      )?.userEntityRef;
      return requests.map(r => ({
        result: allows({
          user,
          permission: r.permission.name,
          resourceRef: (r as { resourceRef?: string }).resourceRef,
        })
          ? 'ALLOW'
          : 'DENY',
      })) as never;
    },
  });
}
