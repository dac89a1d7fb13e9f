import type { TeleportFixture, TeleportRoleFixture } from './types';

/** The namespaces of the demo services, one role pair each. */
export const DEMO_TELEPORT_NAMESPACES = [
  'ai-gateway',
  'checkout-api',
  'search-indexer',
] as const;

/** The Teleport user the portal's bot identity is issued for. */
export const DEMO_TELEPORT_BOT = 'groundcrew-portal';

/** The role whose holders review write requests (the platform group's members). */
export const DEMO_TELEPORT_REVIEWER_ROLE = 'platform-reviewer';

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;

/**
 * The role pair of a namespace: `<ns>-read`, held by default, which lets its
 * holder request `<ns>-write` for at most `maxDurationMs` with one approval
 * (or one denial) from a reviewer; `<ns>-write` grants write verbs in the namespace.
 */
export function namespaceRoles(
  namespace: string,
  opts: { maxDurationMs?: number; approvals?: number } = {},
): TeleportRoleFixture[] {
  const maxDurationMs = opts.maxDurationMs ?? 4 * HOUR;
  return [
    {
      name: `${namespace}-read`,
      description: `Read-only access to namespace ${namespace}`,
      requestAccess: 'reason',
      kubeGroups: ['view'],
      kubernetesResources: [
        {
          kind: '*',
          namespace,
          name: '*',
          verbs: ['get', 'list', 'watch'],
        },
      ],
      request: {
        roles: [`${namespace}-write`],
        maxDurationMs,
        thresholds: [
          { name: 'platform', approve: opts.approvals ?? 1, deny: 1 },
        ],
        suggestedReviewers: ['pat'],
      },
    },
    {
      name: `${namespace}-write`,
      description: `Write access to namespace ${namespace}, on request`,
      maxSessionTtlMs: maxDurationMs,
      kubeGroups: ['edit'],
      kubernetesResources: [{ kind: '*', namespace, name: '*', verbs: ['*'] }],
    },
  ];
}

/**
 * The demo cluster: a role pair per demo namespace, users demo, casey and pat
 * (the portal maps them from their e-mail addresses) holding every read role,
 * pat also the reviewer role; one pending and one approved request.
 */
export function teleportDemoFixture(): TeleportFixture {
  const readRoles = DEMO_TELEPORT_NAMESPACES.map(ns => `${ns}-read`);
  return {
    clusterName: 'groundcrew-sandbox',
    roles: [
      ...DEMO_TELEPORT_NAMESPACES.flatMap(ns => namespaceRoles(ns)),
      {
        name: DEMO_TELEPORT_REVIEWER_ROLE,
        description: 'Reviews requests for write access',
        review: { roles: ['*-write'] },
      },
    ],
    users: [
      { name: 'demo', roles: readRoles },
      { name: 'casey', roles: readRoles },
      { name: 'pat', roles: [...readRoles, DEMO_TELEPORT_REVIEWER_ROLE] },
    ],
    requests: [
      {
        user: 'casey',
        roles: ['checkout-api-write'],
        reason: 'Replay the payment webhooks stuck since the 09:40 deploy',
        durationMs: 2 * HOUR,
        createdAgoMs: 10 * MINUTE,
      },
      {
        user: 'casey',
        roles: ['search-indexer-write'],
        reason: 'Rebuild the product index after the schema change',
        durationMs: 3 * HOUR,
        createdAgoMs: 30 * MINUTE,
        reviews: [
          { author: 'pat', state: 'APPROVED', reason: 'OK for the rebuild' },
        ],
      },
    ],
  };
}
