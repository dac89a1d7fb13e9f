import type { GitlabFixture } from './types';

/** The personal access token the embedded default's app-config.yaml names. */
export const DEMO_GITLAB_TOKEN = 'groundcrew-sandbox-gitlab-token';

/** Stable ids of the demo records. */
export const DEMO_GITLAB = {
  user: { id: 2, username: 'groundcrew-bot', namespaceId: 2 },
  groups: { 'team-ai': 21, 'team-commerce': 22, platform: 23 },
  projects: { 'team-ai/ai-gateway': 101 },
} as const;

const AI_GATEWAY_CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ai-gateway
  title: AI Gateway
  description: Routes model requests to providers; deployed with a canary track.
  tags: [runway, gke]
  annotations:
    groundcrew.io/runway-service: ai-gateway
    backstage.io/kubernetes-id: ai-gateway
spec:
  type: service
  lifecycle: production
  owner: team-ai
  system: ai-platform
`;

/** The token's user only (what `demo: false` keeps: the token must belong to someone). */
export function gitlabBaseFixture(token: string): GitlabFixture {
  return {
    users: [
      {
        id: DEMO_GITLAB.user.id,
        username: DEMO_GITLAB.user.username,
        namespaceId: DEMO_GITLAB.user.namespaceId,
        name: 'Groundcrew Bot',
        email: 'groundcrew-bot@groundcrew.example',
        token,
      },
    ],
  };
}

/**
 * The demo: user `groundcrew-bot` (the token's user), groups `team-ai`,
 * `team-commerce` and `platform`, and the project `team-ai/ai-gateway` with a
 * `catalog-info.yaml` on `main`.
 */
export function gitlabDemoFixture(token: string): GitlabFixture {
  return {
    ...gitlabBaseFixture(token),
    groups: [
      {
        id: DEMO_GITLAB.groups['team-ai'],
        path: 'team-ai',
        name: 'Team AI',
        description: 'Owns the AI platform services.',
      },
      {
        id: DEMO_GITLAB.groups['team-commerce'],
        path: 'team-commerce',
        name: 'Team Commerce',
        description: 'Checkout and payments.',
      },
      {
        id: DEMO_GITLAB.groups.platform,
        path: 'platform',
        name: 'Platform',
        description: 'The platform team.',
      },
    ],
    projects: [
      {
        id: DEMO_GITLAB.projects['team-ai/ai-gateway'],
        namespace: 'team-ai',
        path: 'ai-gateway',
        name: 'ai-gateway',
        description:
          'Routes model requests to providers; deployed with a canary track.',
        topics: ['runway', 'gke'],
        files: {
          'catalog-info.yaml': AI_GATEWAY_CATALOG_INFO,
          'README.md': '# AI Gateway\n\nRoutes model requests to providers.\n',
        },
      },
    ],
  };
}
