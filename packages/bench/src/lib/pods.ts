import type { BoardPod, DeployBoard } from '@groundcrew/plugin-infra-common';

/** What @backstage/plugin-kubernetes-backend answers to `POST /services/:name` (the parts we read). */
export interface AnchorResponse {
  items: Array<{
    cluster: { name: string };
    resources: Array<{
      type: string;
      resources: Array<{ metadata?: { name?: string; namespace?: string } }>;
    }>;
    errors: Array<{
      errorType: string;
      statusCode?: number;
      resourcePath?: string;
    }>;
  }>;
}

/** `cluster/namespace/name` of every pod in the anchor's answer. */
export function anchorPodKeys(response: AnchorResponse): Set<string> {
  const keys = new Set<string>();
  for (const item of response.items) {
    for (const group of item.resources) {
      if (group.type !== 'pods') continue;
      for (const pod of group.resources) {
        keys.add(
          `${item.cluster.name}/${pod.metadata?.namespace}/${pod.metadata?.name}`,
        );
      }
    }
  }
  return keys;
}

/** Every pod on a board, with where it runs. */
export function boardPods(
  board: DeployBoard,
): Array<BoardPod & { cluster: string; namespace: string }> {
  return board.environments.flatMap(e =>
    e.stages.flatMap(s =>
      s.tracks.flatMap(t =>
        t.deployments.flatMap(d =>
          d.pods.map(p => ({
            ...p,
            cluster: d.cluster,
            namespace: d.namespace,
          })),
        ),
      ),
    ),
  );
}

/** `cluster/namespace/name` of every pod on a board. */
export function boardPodKeys(board: DeployBoard): Set<string> {
  return new Set(
    boardPods(board).map(p => `${p.cluster}/${p.namespace}/${p.name}`),
  );
}

/** Keys in `a` missing from `b`, and in `b` missing from `a` (at most `limit` of each). */
export function difference(a: Set<string>, b: Set<string>, limit = 5) {
  const onlyA = [...a].filter(k => !b.has(k));
  const onlyB = [...b].filter(k => !a.has(k));
  return {
    onlyA: onlyA.slice(0, limit),
    onlyB: onlyB.slice(0, limit),
    countA: onlyA.length,
    countB: onlyB.length,
  };
}
