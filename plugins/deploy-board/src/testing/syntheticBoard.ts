import type {
  BoardClusterStatus,
  BoardDeployment,
  BoardPod,
  DeployBoard,
  PodState,
} from '@groundcrew/plugin-infra-common';

/**
 * Options for {@link syntheticBoard}.
 *
 * @public
 */
export interface SyntheticBoardOptions {
  /** Pods in all, spread over environments, tracks and clusters (default 40). */
  pods?: number;
  revision?: number;
  /** Environments, each with one stage; the first cluster of each is `gke-<env>-a` (default `production`, `staging`). */
  environments?: string[];
  /** Share of each stage's pods on the canary track, 0..1 (default 0.1). */
  canaryShare?: number;
  /** Cluster states to override, by name. */
  clusterStates?: Record<
    string,
    Omit<BoardClusterStatus, 'name' | 'environment'>
  >;
}

const cycle: PodState[] = [
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'ready',
  'running',
  'pending',
  'ready',
  'ready',
  'failed',
  'ready',
  'terminating',
  'ready',
  'unknown',
];

const phases: Partial<Record<PodState, string>> = {
  pending: 'Pending',
  failed: 'Failed',
  unknown: 'Unknown',
};

/**
 * A deterministic board for tests, stories and the render benchmark: every environment has one
 * stage with a stable and a canary track in two clusters.
 *
 * @public
 */
export function syntheticBoard(
  options: SyntheticBoardOptions = {},
): DeployBoard {
  const environments = options.environments ?? ['production', 'staging'];
  const totalPods = options.pods ?? 40;
  const canaryShare = options.canaryShare ?? 0.1;
  const perEnvironment = Math.floor(totalPods / environments.length);
  const clusters: BoardClusterStatus[] = [];
  let podIndex = 0;

  const makePods = (count: number, track: string, version: string) => {
    const pods: BoardPod[] = [];
    for (let i = 0; i < count; i++) {
      const state = cycle[podIndex % cycle.length];
      pods.push({
        name: `ai-gateway-${track}-${(podIndex * 7919)
          .toString(36)
          .padStart(5, 'x')}`,
        phase: phases[state] ?? 'Running',
        state,
        ready: state === 'ready',
        restarts: state === 'failed' ? 4 : Number(podIndex % 13 === 0),
        createdAt: new Date(
          Date.UTC(2025, 0, 1, 12, podIndex % 60),
        ).toISOString(),
        node: `node-${podIndex % 17}`,
        track,
        version,
      });
      podIndex++;
    }
    return pods;
  };

  const deployment = (
    cluster: string,
    track: string,
    pods: BoardPod[],
    version: string,
  ): BoardDeployment => {
    const ready = pods.filter(p => p.ready).length;
    return {
      cluster,
      namespace: 'ai-gateway',
      name: track === 'stable' ? 'ai-gateway' : `ai-gateway-${track}`,
      desired: pods.length,
      updated: Math.max(ready, pods.length - 1),
      ready,
      available: ready,
      rollout: ready === pods.length ? 'complete' : 'progressing',
      images: [`registry.example.com/ai-gateway:${version}`],
      version,
      pods,
      flux: [
        {
          kind: 'HelmRelease',
          name: 'ai-gateway',
          namespace: 'flux-system',
          ready: true,
          lastAppliedRevision: `${version.replace(/^v/, '')}+a1b2c3d`,
        },
      ],
    };
  };

  const boardEnvironments = environments.map(environment => {
    const clusterNames = [`gke-${environment}-a`, `gke-${environment}-b`];
    for (const name of clusterNames) {
      clusters.push({
        name,
        environment,
        region: name.endsWith('-a') ? 'europe-west1' : 'us-east1',
        state: 'ok',
        lastSeen: '2025-01-01T12:03:00.000Z',
        ...options.clusterStates?.[name],
      });
    }
    const canaryPods = Math.round(perEnvironment * canaryShare);
    const stablePods = perEnvironment - canaryPods;
    const split = (n: number) => [Math.ceil(n / 2), Math.floor(n / 2)];
    const tracks = [
      { name: 'stable', count: stablePods, version: 'v1.41.0' },
      { name: 'canary', count: canaryPods, version: 'v1.42.0-rc.1' },
    ]
      .filter(track => track.count > 0)
      .map(track => ({
        name: track.name,
        podShare: perEnvironment ? track.count / perEnvironment : 0,
        deployments: split(track.count).map((count, i) =>
          deployment(
            clusterNames[i],
            track.name,
            makePods(count, track.name, track.version),
            track.version,
          ),
        ),
      }));
    return { name: environment, stages: [{ name: 'main', tracks }] };
  });

  return {
    entityRef: 'component:default/ai-gateway',
    selector: {
      labelSelector: 'runway.gitlab.com/service=ai-gateway',
      source: 'groundcrew.io/runway-service',
    },
    environments: boardEnvironments,
    clusters,
    revision: options.revision ?? 1,
    generatedAt: '2025-01-01T12:05:00.000Z',
  };
}
