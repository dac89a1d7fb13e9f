import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import type { GcpActionsConfig } from '../config';

/**
 * The backend guard of an action that spends money: the permission (the policy may deny it
 * outright), then the parent's owners from config — members of those groups or of the platform
 * group only. Runs before any call to GCP that writes.
 */
export async function authorizeCreate(options: {
  credentials: BackstageCredentials;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  config: GcpActionsConfig;
  permission: BasicPermission;
  parent: string;
  /** What is being created, for the message ("projects", "clusters in project x"). */
  what: string;
}): Promise<{ userEntityRef: string }> {
  const { credentials, permissions, userInfo, config, permission, parent } =
    options;
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not create ${options.what} (permission ${permission.name} denied)`,
    );
  }
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new NotAllowedError(
      `Only a signed-in user may create ${options.what}; this task has no user`,
    );
  }
  const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
  const owners = config.parentOwners.get(parent) ?? [];
  const allowed = [config.platformGroup, ...owners];
  if (!allowed.some(ref => ownershipEntityRefs.includes(ref))) {
    throw new NotAllowedError(
      `parent: only members of ${allowed.join(' or ')} may create ${
        options.what
      } in ${parent}`,
    );
  }
  return { userEntityRef: principal.userEntityRef };
}
