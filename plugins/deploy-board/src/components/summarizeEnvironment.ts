import {
  BoardClusterStatus,
  BoardEnvironment,
  RolloutState,
} from '@groundcrew/plugin-infra-common';

export interface EnvironmentSummary {
  name: string;
  desired: number;
  updated: number;
  ready: number;
  /** The worst rollout state of its deployments: stalled, then progressing, then complete. */
  rollout: RolloutState;
  /** Share of the environment's pods on the canary track, absent when it has no canary. */
  canaryShare?: number;
  /** Its clusters that are not answering normally. */
  troubledClusters: BoardClusterStatus[];
}

const severity: Record<RolloutState, number> = {
  complete: 0,
  progressing: 1,
  stalled: 2,
};

export function summarizeEnvironment(
  environment: BoardEnvironment,
  clusters: BoardClusterStatus[],
): EnvironmentSummary {
  let desired = 0;
  let updated = 0;
  let ready = 0;
  let rollout: RolloutState = 'complete';
  let pods = 0;
  let canaryPods: number | undefined;
  for (const stage of environment.stages) {
    for (const track of stage.tracks) {
      const isCanary = track.name === 'canary';
      if (isCanary) canaryPods ??= 0;
      for (const deployment of track.deployments) {
        desired += deployment.desired;
        updated += deployment.updated;
        ready += deployment.ready;
        pods += deployment.pods.length;
        if (isCanary) canaryPods = (canaryPods ?? 0) + deployment.pods.length;
        if (severity[deployment.rollout] > severity[rollout]) {
          rollout = deployment.rollout;
        }
      }
    }
  }
  let canaryShare: number | undefined;
  if (canaryPods !== undefined) canaryShare = pods > 0 ? canaryPods / pods : 0;
  return {
    name: environment.name,
    desired,
    updated,
    ready,
    rollout,
    canaryShare,
    troubledClusters: clusters.filter(
      c =>
        c.environment === environment.name &&
        (c.state === 'stale' || c.state === 'unreachable'),
    ),
  };
}
