import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { runwayServiceCreatePermission } from '@groundcrew/plugin-infra-common';

/** `group:default/team-ai` → its full ref and its name; anything else is an InputError. */
export function parseOwner(owner: string): { ref: string; name: string } {
  let parsed;
  try {
    parsed = parseEntityRef(owner, { defaultKind: 'group' });
  } catch {
    throw new InputError(
      `owner: "${owner}" is not a group entity ref such as group:default/team-ai`,
    );
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new InputError(
      `owner: must be a group (the team that owns the service), got ${parsed.kind}`,
    );
  }
  return {
    ref: `group:${parsed.namespace}/${parsed.name}`,
    name: parsed.name.toLocaleLowerCase('en-US'),
  };
}

/**
 * The backend guard of a turn-up: the permission, then membership of the owner group (or the
 * platform group). Runs before anything is written.
 */
export async function authorizeTurnUp(options: {
  credentials: BackstageCredentials;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  platformGroup: string;
  ownerRef: string;
}): Promise<{ userEntityRef: string }> {
  const { credentials, permissions, userInfo, platformGroup, ownerRef } =
    options;
  const [decision] = await permissions.authorize(
    [{ permission: runwayServiceCreatePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `You may not turn up Runway services (permission ${runwayServiceCreatePermission.name} denied)`,
    );
  }
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  if (principal.type !== 'user' || !principal.userEntityRef) {
    throw new NotAllowedError(
      'Only a signed-in user may turn up a Runway service; this task has no user',
    );
  }
  const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
  if (![platformGroup, ownerRef].some(r => ownershipEntityRefs.includes(r))) {
    throw new NotAllowedError(
      `owner: only members of ${ownerRef} or ${platformGroup} may turn up a service owned by ${ownerRef}`,
    );
  }
  return { userEntityRef: principal.userEntityRef };
}
