import { z } from 'zod';
import type {
  BoardClusterStatus,
  BoardDeployment,
  BoardFluxStatus,
  BoardPod,
  BoardPodEvent,
  BoardSelector,
  DeployBoard,
} from './board';

// Each schema is typed with the interface it checks: a field added to one and not the other is a
// compile error, so the wire contract and the types cannot drift apart.

const isoTime = z.string().describe('ISO 8601 time');

/** @public */
export const boardPodEventSchema: z.ZodType<BoardPodEvent> = z.object({
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  count: z.number().int().min(1),
  lastSeen: isoTime.optional(),
  firstSeen: isoTime.optional(),
  source: z.string().optional(),
});

/** @public */
export const boardPodSchema: z.ZodType<BoardPod> = z.object({
  name: z.string(),
  phase: z.string(),
  state: z.enum([
    'ready',
    'running',
    'pending',
    'failed',
    'succeeded',
    'terminating',
    'unknown',
  ]),
  ready: z.boolean(),
  restarts: z.number().int().min(0),
  createdAt: isoTime.optional(),
  node: z.string().optional(),
  track: z.string(),
  version: z.string().optional(),
  reason: z.string().optional(),
  events: z.array(boardPodEventSchema).optional(),
});

/** @public */
export const boardFluxStatusSchema: z.ZodType<BoardFluxStatus> = z.object({
  kind: z.enum(['HelmRelease', 'Kustomization']),
  name: z.string(),
  namespace: z.string(),
  ready: z.union([z.boolean(), z.literal('unknown')]),
  message: z.string().optional(),
  lastAppliedRevision: z.string().optional(),
});

/** @public */
export const boardDeploymentSchema: z.ZodType<BoardDeployment> = z.object({
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  desired: z.number().int().min(0),
  updated: z.number().int().min(0),
  ready: z.number().int().min(0),
  available: z.number().int().min(0),
  rollout: z.enum(['complete', 'progressing', 'stalled']),
  rolloutReason: z.string().optional(),
  images: z.array(z.string()),
  version: z.string().optional(),
  pods: z.array(boardPodSchema),
  flux: z.array(boardFluxStatusSchema).optional(),
});

/** @public */
export const boardSelectorSchema: z.ZodType<BoardSelector> = z.object({
  labelSelector: z.string(),
  namespace: z.string().optional(),
  clusters: z.array(z.string()).optional(),
  source: z.string(),
});

/** @public */
export const boardClusterStatusSchema: z.ZodType<BoardClusterStatus> = z.object(
  {
    name: z.string(),
    environment: z.string(),
    region: z.string().optional(),
    state: z.enum(['ok', 'syncing', 'stale', 'unreachable']),
    lastSeen: isoTime.optional(),
    message: z.string().optional(),
  },
);

/**
 * The deploy board as it travels between the deploy-board backend and its frontend: the backend's
 * tests parse every board they get with it, the frontend every board it receives.
 *
 * @public
 */
export const deployBoardSchema: z.ZodType<DeployBoard> = z.object({
  entityRef: z.string(),
  selector: boardSelectorSchema,
  environments: z.array(
    z.object({
      name: z.string(),
      stages: z.array(
        z.object({
          name: z.string(),
          tracks: z.array(
            z.object({
              name: z.string(),
              deployments: z.array(boardDeploymentSchema),
              podShare: z.number().min(0).max(1),
            }),
          ),
        }),
      ),
    }),
  ),
  clusters: z.array(boardClusterStatusSchema),
  revision: z.number().int().min(0),
  generatedAt: isoTime,
});

/**
 * Reads a deploy board from untrusted JSON; throws a `TypeError` that names the first field that
 * does not fit (`environments.0.stages.0.tracks.0.deployments.0.pods.3.state: …`).
 *
 * @public
 */
export function parseDeployBoard(value: unknown): DeployBoard {
  const result = deployBoardSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'the board';
  throw new TypeError(
    `Not a deploy board: ${where}: ${issue.message}${
      result.error.issues.length > 1
        ? ` (and ${result.error.issues.length - 1} more)`
        : ''
    }`,
  );
}
