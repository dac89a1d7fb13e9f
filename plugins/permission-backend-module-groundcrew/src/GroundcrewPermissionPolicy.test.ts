import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  deployBoardReadPermission,
  fleetClusterRegisterPermission,
  secretsReadPermission,
} from '@groundcrew/plugin-infra-common';
import { GroundcrewPermissionPolicy } from './GroundcrewPermissionPolicy';

function userWith(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef: ownershipEntityRefs[0],
      ownershipEntityRefs,
    },
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    credentials: {} as PolicyQueryUser['credentials'],
    token: 'not-used',
  } as PolicyQueryUser;
}

describe('GroundcrewPermissionPolicy', () => {
  const policy = GroundcrewPermissionPolicy.create();
  const demo = userWith('user:default/demo', 'group:default/team-ai');
  const platform = userWith('user:default/pat', 'group:default/platform');

  it('allows reads to everyone', async () => {
    await expect(
      policy.handle({ permission: catalogEntityReadPermission }, demo),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('gives entity mutations to the owners, as a catalog condition on their claims', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      demo,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        params: { claims: ['user:default/demo', 'group:default/team-ai'] },
      },
    });
  });

  it('denies platform-only Groundcrew permissions to a product team member', async () => {
    await expect(
      policy.handle({ permission: fleetClusterRegisterPermission }, demo),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows every mutation to the platform group', async () => {
    for (const permission of [
      fleetClusterRegisterPermission,
      catalogEntityDeletePermission,
    ]) {
      await expect(policy.handle({ permission }, platform)).resolves.toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('honours a configured platform group', async () => {
    const custom = GroundcrewPermissionPolicy.create({
      platformGroupRef: 'group:default/sre',
    });
    await expect(
      custom.handle({ permission: fleetClusterRegisterPermission }, platform),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      custom.handle(
        { permission: fleetClusterRegisterPermission },
        userWith('user:default/sam', 'group:default/sre'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});

describe('GroundcrewPermissionPolicy with owners-only reads', () => {
  const demo = userWith('user:default/demo', 'group:default/team-ai');
  const platform = userWith('user:default/pat', 'group:default/platform');
  const restricted = GroundcrewPermissionPolicy.create({
    ownersOnlyReads: ['groundcrew.deployBoard.read'],
  });

  it('allows the board to every signed-in user by default', async () => {
    await expect(
      GroundcrewPermissionPolicy.create().handle(
        { permission: deployBoardReadPermission },
        demo,
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('keeps a restricted read to the entity owners, and the platform group', async () => {
    await expect(
      restricted.handle({ permission: deployBoardReadPermission }, demo),
    ).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        params: { claims: ['user:default/demo', 'group:default/team-ai'] },
      },
    });
    await expect(
      restricted.handle({ permission: deployBoardReadPermission }, platform),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    // Other reads stay open.
    await expect(
      restricted.handle({ permission: secretsReadPermission }, demo),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each(['groundcrew.traffic.update', 'catalog.entity.read', 'nope'])(
    'refuses %s as an owners-only read, naming the key',
    name => {
      expect(() =>
        GroundcrewPermissionPolicy.create({ ownersOnlyReads: [name] }),
      ).toThrow(`groundcrew.permissions.ownersOnlyReads[0]`);
    },
  );
});
