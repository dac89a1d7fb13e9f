import {
  BoardDeployment,
  BoardEnvironment,
  BoardPod,
  BoardPodEvent,
  BoardSelector,
  BoardStage,
  BoardTrack,
  CLUSTER_LABELS,
  DeployBoard,
  PodState,
  RolloutState,
  RUNWAY_LABELS,
} from '@groundcrew/plugin-infra-common';
import {
  CachedDeployment,
  CachedPod,
  clusterProblem,
  KubernetesCacheService,
  LabelSelector,
} from '@groundcrew/plugin-infra-node';

/** Where environments come from: a namespace label wins over the cluster's label. */
export interface EnvironmentLabels {
  cluster: string;
  namespace: string;
}

export const DEFAULT_ENVIRONMENT_LABELS: EnvironmentLabels = {
  cluster: CLUSTER_LABELS.environment,
  namespace: 'groundcrew.io/environment',
};

const VERSION_LABEL = 'app.kubernetes.io/version';
const DEFAULT_STAGE = 'main';
const DEFAULT_TRACK = 'stable';

function podState(pod: CachedPod): PodState {
  if (pod.deleting) return 'terminating';
  switch (pod.phase) {
    case 'Running':
      return pod.ready ? 'ready' : 'running';
    case 'Pending':
      return 'pending';
    case 'Failed':
      return 'failed';
    case 'Succeeded':
      return 'succeeded';
    default:
      return 'unknown';
  }
}

/**
 * Why a pod is not ready: its containers' reason and, once something went wrong (a Warning among
 * them: a crash loop, an image that cannot be pulled, no node that fits), its last Events for
 * context. A pod starting normally carries no events, so that a rollout does not send every
 * Pulling / Started to every open board.
 */
function podWhy(
  cache: KubernetesCacheService,
  cluster: string,
  pod: CachedPod,
): Pick<BoardPod, 'reason' | 'events'> {
  const events = cache.podEvents(cluster, pod.uid);
  const troubled = events.some(e => e.type === 'Warning');
  return {
    ...(pod.reason ? { reason: pod.reason } : {}),
    ...(troubled
      ? {
          events: events.map(
            (e): BoardPodEvent => ({
              type: e.type,
              reason: e.reason,
              message: e.message,
              count: e.count,
              lastSeen: e.lastSeen,
              firstSeen: e.firstSeen,
              source: e.source,
            }),
          ),
        }
      : {}),
  };
}

function tag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

function rollout(d: CachedDeployment): {
  state: RolloutState;
  reason?: string;
} {
  if (d.progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'stalled', reason: 'ProgressDeadlineExceeded' };
  }
  const done =
    d.observedGeneration >= d.generation &&
    d.updated === d.desired &&
    d.ready === d.desired &&
    d.available === d.desired;
  return done
    ? { state: 'complete' }
    : { state: 'progressing', reason: d.progressing?.reason };
}

function byName<T extends { name: string }>(a: T, b: T) {
  return a.name.localeCompare(b.name);
}

/** How a board knows the owners of the workloads it shows. */
export function ownerKey(cluster: string, namespace: string, name: string) {
  return `${cluster}/${namespace}/${name}`;
}

/**
 * The board of one selector, from the cache alone: no request to any API server.
 */
export function buildBoard(options: {
  cache: KubernetesCacheService;
  entityRef: string;
  selector: BoardSelector;
  match: LabelSelector;
  environmentLabels?: EnvironmentLabels;
  revision: number;
  /**
   * Filled with `cluster/namespace/name` of every deployment and ReplicaSet on the board: their
   * ReplicaSets and pods belong to the board even when they do not carry the selector's labels.
   */
  owners?: Set<string>;
}): DeployBoard {
  const { cache, selector, match } = options;
  const labels = options.environmentLabels ?? DEFAULT_ENVIRONMENT_LABELS;
  const environments = new Map<
    string,
    Map<string, Map<string, BoardDeployment[]>>
  >();
  const clusterStates = cache
    .clusters()
    .filter(c => !selector.clusters || selector.clusters.includes(c.name));

  for (const cluster of clusterStates) {
    const flux = cache
      .flux(cluster.name)
      .filter(f => match.matches(f.labels))
      .filter(f => !selector.namespace || f.namespace === selector.namespace);
    for (const d of cache.deployments(cluster.name)) {
      if (selector.namespace && d.namespace !== selector.namespace) continue;
      if (!match.matches(d.labels)) continue;
      const namespaceEnv = cache.namespace(cluster.name, d.namespace)?.labels[
        labels.namespace
      ];
      const environment =
        namespaceEnv ?? cluster.labels[labels.cluster] ?? 'default';
      const stage = d.labels[RUNWAY_LABELS.stage] ?? DEFAULT_STAGE;
      const track = d.labels[RUNWAY_LABELS.track] ?? DEFAULT_TRACK;
      const version = d.labels[VERSION_LABEL] ?? tag(d.images[0]);
      const replicaSets = cache.replicaSetsOf(
        cluster.name,
        d.namespace,
        d.name,
      );
      if (options.owners) {
        for (const owner of [d, ...replicaSets]) {
          options.owners.add(ownerKey(cluster.name, d.namespace, owner.name));
        }
      }
      const pods: BoardPod[] = replicaSets
        .flatMap(rs => cache.podsOf(cluster.name, d.namespace, rs.name))
        .map(
          (p): BoardPod => ({
            name: p.name,
            phase: p.phase,
            state: podState(p),
            ready: p.ready,
            restarts: p.restarts,
            createdAt: p.createdAt,
            node: p.node,
            track: p.labels[RUNWAY_LABELS.track] ?? track,
            version: p.labels[VERSION_LABEL] ?? tag(p.images[0]),
            ...podWhy(cache, cluster.name, p),
          }),
        )
        .sort(byName);
      const state = rollout(d);
      const deployment: BoardDeployment = {
        cluster: cluster.name,
        namespace: d.namespace,
        name: d.name,
        desired: d.desired,
        updated: d.updated,
        ready: d.ready,
        available: d.available,
        rollout: state.state,
        rolloutReason: state.reason,
        images: [...d.images],
        version,
        pods,
        flux: flux
          .filter(f => f.namespace === d.namespace)
          .map(f => ({
            kind: f.kind,
            name: f.name,
            namespace: f.namespace,
            ready: f.ready,
            message: f.message,
            lastAppliedRevision: f.lastAppliedRevision,
          }))
          .sort(byName),
      };
      let stages = environments.get(environment);
      if (!stages) environments.set(environment, (stages = new Map()));
      let tracks = stages.get(stage);
      if (!tracks) stages.set(stage, (tracks = new Map()));
      let list = tracks.get(track);
      if (!list) tracks.set(track, (list = []));
      list.push(deployment);
    }
  }

  const trackOrder = (name: string) => (name === DEFAULT_TRACK ? '' : name);
  const result: BoardEnvironment[] = [...environments.entries()]
    .map(([name, stages]) => ({
      name,
      stages: [...stages.entries()]
        .map(([stageName, tracks]): BoardStage => {
          const total = [...tracks.values()]
            .flat()
            .reduce((n, d) => n + d.pods.length, 0);
          return {
            name: stageName,
            tracks: [...tracks.entries()]
              .map(([trackName, deployments]): BoardTrack => {
                const pods = deployments.reduce((n, d) => n + d.pods.length, 0);
                return {
                  name: trackName,
                  deployments: deployments.sort(
                    (a, b) =>
                      a.cluster.localeCompare(b.cluster) ||
                      a.name.localeCompare(b.name),
                  ),
                  podShare: total ? pods / total : 0,
                };
              })
              .sort((a, b) =>
                trackOrder(a.name).localeCompare(trackOrder(b.name)),
              ),
          };
        })
        .sort(byName),
    }))
    .sort(byName);

  return {
    entityRef: options.entityRef,
    selector,
    environments: result,
    clusters: clusterStates.map(c => ({
      name: c.name,
      environment: c.labels[labels.cluster] ?? 'default',
      region: c.labels[CLUSTER_LABELS.region],
      state: c.state,
      lastSeen: c.lastSeen,
      // Shown to every viewer: without the cluster's internal addresses.
      message: clusterProblem(c.message),
    })),
    revision: options.revision,
    generatedAt: new Date().toISOString(),
  };
}
