import { mockServices } from '@backstage/backend-test-utils';

/** Ownership as the catalog resolves it for the demo users in examples/org.yaml. */
export const demoOwnership: Record<string, string[]> = {
  'user:default/demo': ['user:default/demo', 'group:default/team-ai'],
  'user:default/casey': ['user:default/casey', 'group:default/team-commerce'],
  'user:default/pat': ['user:default/pat', 'group:default/platform'],
};

/** The user-info service, answering for the demo users as the real one would. */
export function demoUserInfoFactory() {
  return mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: demoOwnership[ref] ?? [ref],
      };
    },
  }).factory;
}
