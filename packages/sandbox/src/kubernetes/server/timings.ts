export interface KubernetesTimings {
  /** Pod created → scheduled and running (containers started). */
  podStartDelayMs: number;
  /** Running → Ready. */
  podReadyDelayMs: number;
  /** Flux HelmRelease / Kustomization change → Ready. */
  fluxReadyDelayMs: number;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs: number;
  /** The server ends every watch after this long (the real one: 30–60 min). */
  watchTimeoutSeconds: number;
  /** First back-off of a failing pod: image pull, crash loop, unschedulable (kubelet: 10 s). */
  backOffMs: number;
  /** Longest back-off of a failing pod (kubelet: 5 min). */
  backOffMaxMs: number;
  /** Events are deleted this long after they last happened (apiserver `--event-ttl`: 1 h). */
  eventTtlMs: number;
}

export const DEFAULT_TIMINGS: KubernetesTimings = {
  podStartDelayMs: 1500,
  podReadyDelayMs: 2500,
  fluxReadyDelayMs: 2000,
  bookmarkIntervalMs: 60_000,
  watchTimeoutSeconds: 1800,
  backOffMs: 10_000,
  backOffMaxMs: 300_000,
  eventTtlMs: 3_600_000,
};
