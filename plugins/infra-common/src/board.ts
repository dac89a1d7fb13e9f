/**
 * The deploy board of one catalog entity: its workloads in every cluster of the fleet, grouped by
 * environment, then by Runway deployment stage, then by track. Built from the watch-fed cache.
 *
 * @public
 */
export interface DeployBoard {
  entityRef: string;
  /** What was looked for, shown when nothing matched. */
  selector: BoardSelector;
  environments: BoardEnvironment[];
  clusters: BoardClusterStatus[];
  /** Monotonic per backend process; the SSE stream's event ids continue from it. */
  revision: number;
  generatedAt: string;
}

/** @public */
export interface BoardSelector {
  /** Label selector in Kubernetes syntax, e.g. `runway.gitlab.com/service=ai-gateway`. */
  labelSelector: string;
  /** Restricts the lookup to one namespace, from `backstage.io/kubernetes-namespace`. */
  namespace?: string;
  /** Restricts the lookup to some clusters, from `groundcrew.io/clusters`. */
  clusters?: string[];
  /** Which annotation the selector came from. */
  source: string;
}

/** @public */
export interface BoardClusterStatus {
  name: string;
  environment: string;
  region?: string;
  /** `ok`: watches are live; `stale`: reconnecting; `unreachable`: no answer. */
  state: 'ok' | 'syncing' | 'stale' | 'unreachable';
  /** When the cluster last answered (ISO time); absent when it never has. */
  lastSeen?: string;
  /** What went wrong, never with credentials. */
  message?: string;
}

/** @public */
export interface BoardEnvironment {
  name: string;
  stages: BoardStage[];
}

/** @public */
export interface BoardStage {
  /** Runway deployment stage (`runway.gitlab.com/stage`), `main` when absent. */
  name: string;
  tracks: BoardTrack[];
}

/** @public */
export interface BoardTrack {
  /** `stable`, `canary`, … from the `track` label; `stable` when absent. */
  name: string;
  deployments: BoardDeployment[];
  /** Share of the stage's pods that belong to this track, 0..1. */
  podShare: number;
}

/** @public */
export type RolloutState = 'complete' | 'progressing' | 'stalled';

/** @public */
export interface BoardDeployment {
  cluster: string;
  namespace: string;
  name: string;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  rollout: RolloutState;
  /** Human reason, e.g. `ProgressDeadlineExceeded`. */
  rolloutReason?: string;
  images: string[];
  /** Version from `app.kubernetes.io/version`, else the image tag. */
  version?: string;
  pods: BoardPod[];
  flux?: BoardFluxStatus[];
}

/** @public */
export type PodState =
  | 'ready'
  | 'running'
  | 'pending'
  | 'failed'
  | 'succeeded'
  | 'terminating'
  | 'unknown';

/** @public */
export interface BoardPod {
  name: string;
  phase: string;
  state: PodState;
  ready: boolean;
  restarts: number;
  /** ISO time the pod was created. */
  createdAt?: string;
  node?: string;
  track: string;
  version?: string;
  /**
   * Why a container is not running, from its status: `ImagePullBackOff`, `CrashLoopBackOff`,
   * `ErrImagePull`, `ContainerCreating`, … (the first container that has one).
   */
  reason?: string;
  /**
   * The pod's last Kubernetes Events, newest first (at most a few), once one of them is a Warning
   * (crash loop, image pull back-off, unschedulable); a ready pod keeps only its Warnings.
   */
  events?: BoardPodEvent[];
}

/**
 * One Kubernetes Event about a pod (core/v1 `Event`), as the kubelet or the scheduler reported it;
 * repeats are folded into `count`.
 *
 * @public
 */
export interface BoardPodEvent {
  type: 'Normal' | 'Warning';
  /** `Scheduled`, `Pulling`, `Failed`, `BackOff`, `FailedScheduling`, … */
  reason: string;
  message: string;
  /** How many times it happened (at least 1). */
  count: number;
  /** ISO time it last happened. */
  lastSeen?: string;
  /** ISO time it first happened. */
  firstSeen?: string;
  /** Who reported it: `kubelet`, `default-scheduler`, … */
  source?: string;
}

/** @public */
export interface BoardFluxStatus {
  kind: 'HelmRelease' | 'Kustomization';
  name: string;
  namespace: string;
  ready: boolean | 'unknown';
  message?: string;
  lastAppliedRevision?: string;
}

/**
 * What the board's server-sent-events stream sends. `board` replaces the whole board (first event
 * and after a resync); the event id is the board revision, so a client resumes with Last-Event-ID.
 *
 * @public
 */
export type BoardStreamEvent = { type: 'board'; board: DeployBoard };
