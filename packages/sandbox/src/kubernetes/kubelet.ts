import type { ClusterState } from './cluster';
import { EventRecorder, involved } from './events';
import type { KindInfo } from './kinds';
import { pickNode, podStatus } from './pods';
import type {
  Container,
  ContainerStatus,
  Pod,
  PodSpec,
  PodStatus,
} from './types';

/*
 * The scheduler and the kubelet of the imitation, for one pod: scheduled → images pulled →
 * containers created and started → ready; with the Events the real ones record on the way.
 *
 * Three failures can be asked for through the pod spec alone (no control API), so that a demo or
 * a test sets them up with any client:
 * - unschedulable: requests above a node's allocatable (3920m CPU, 13Gi memory: an e2-standard-4),
 *   or a nodeSelector no node matches → `FailedScheduling`, retried with back-off;
 * - an image that cannot be pulled: its tag starts with `missing` or `does-not-exist`, or its
 *   registry host ends in `.invalid` → `Failed` (ErrImagePull), then `BackOff` /
 *   ImagePullBackOff, retried with back-off;
 * - a container that exits: `command`/`args` `false` or `sh -c "… exit N"` with N ≠ 0 →
 *   `BackOff` restarting failed container (CrashLoopBackOff), restartCount growing.
 * Back-off doubles from `backOffMs` up to `backOffMaxMs` (the kubelet's 10 s and 5 min).
 */

export interface KubeletTimings {
  podStartDelayMs: number;
  podReadyDelayMs: number;
  /** First back-off of a failing pull, a crash loop or an unschedulable pod (kubelet: 10 s). */
  backOffMs: number;
  /** Longest back-off (kubelet: 5 min). */
  backOffMaxMs: number;
}

/** A node of the imitation (GKE e2-standard-4 in a `default-pool`). */
const NODE_ALLOCATABLE = { cpu: 3.92, memory: 13 * 1024 ** 3 };
const NODE_LABELS: Record<string, string> = {
  'kubernetes.io/os': 'linux',
  'kubernetes.io/arch': 'amd64',
  'cloud.google.com/gke-nodepool': 'default-pool',
  'node.kubernetes.io/instance-type': 'e2-standard-4',
};

const SUFFIX: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A resource.Quantity as a number (`500m` → 0.5, `2Gi` → 2147483648). */
export function quantity(value: unknown): number {
  const m = /^([0-9.]+)(m|k|K|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value ?? ''));
  if (!m) return 0;
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]] : 1);
}

/** Why no node fits the pod, in the scheduler's words; undefined when one does. */
export function unschedulable(
  spec: PodSpec,
  nodes: number,
): string | undefined {
  const preemption = `preemption: 0/${nodes} nodes are available: ${nodes}`;
  const selector = (spec.nodeSelector ?? {}) as Record<string, string>;
  const mismatch = Object.entries(selector).some(
    ([k, v]) => k !== 'kubernetes.io/hostname' && NODE_LABELS[k] !== v,
  );
  if (mismatch) {
    return `0/${nodes} nodes are available: ${nodes} node(s) didn't match Pod's node affinity/selector. ${preemption} Preemption is not helpful for scheduling.`;
  }
  const total = { cpu: 0, memory: 0 };
  for (const c of spec.containers ?? []) {
    total.cpu += quantity(c.resources?.requests?.cpu);
    total.memory += quantity(c.resources?.requests?.memory);
  }
  const short = (['cpu', 'memory'] as const).filter(
    r => total[r] > NODE_ALLOCATABLE[r],
  );
  if (short.length === 0) return undefined;
  return `0/${nodes} nodes are available: ${short
    .map(r => `${nodes} Insufficient ${r}`)
    .join(', ')}. ${preemption} No preemption victims found for incoming pod.`;
}

/** True for an image the imitated registry does not have. */
export function unpullable(image: string): boolean {
  const slash = image.indexOf('/');
  const host = slash > 0 ? image.slice(0, slash) : '';
  const tag = /:([^/:@]+)(@|$)/.exec(image)?.[1] ?? 'latest';
  return host.endsWith('.invalid') || /^(missing|does-not-exist)/.test(tag);
}

/** The exit code of a container that exits as soon as it starts, else undefined. */
export function exitCode(container: Container): number | undefined {
  const line = [...(container.command ?? []), ...(container.args ?? [])]
    .map(String)
    .join(' ')
    .trim();
  if (/^(\/bin\/|\/usr\/bin\/)?false$/.test(line)) return 1;
  const exit = /\bexit\s+(\d+)\b/.exec(line);
  return exit && Number(exit[1]) !== 0 ? Number(exit[1]) : undefined;
}

function pullError(image: string): string {
  return `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
}

const containerField = (name: string) => `spec.containers{${name}}`;

/** The status with some containers' state replaced. */
function withContainers(
  status: PodStatus,
  change: (c: ContainerStatus) => ContainerStatus | undefined,
): PodStatus {
  return {
    ...status,
    containerStatuses: (status.containerStatuses ?? []).map(
      c => change(c) ?? c,
    ),
  };
}

export class Kubelet {
  private readonly pod: KindInfo;

  constructor(
    private readonly options: {
      state: ClusterState;
      events: EventRecorder;
      nodes: string[];
      timings: KubeletTimings;
      /** Runs `fn` after `ms` unless a timer of that key is pending; keys start with the pod uid. */
      after: (key: string, ms: number, fn: () => void) => void;
      scheduler: string;
      kubelet: string;
    },
  ) {
    this.pod = options.state.kind('v1', 'Pod');
  }

  /** Takes a new, unscheduled pod through its life. */
  start(pod: Pod) {
    const { spec, status } = pod;
    if (!spec || spec.nodeName || (status?.phase && status.phase !== 'Pending'))
      return;
    const delay = Math.floor(this.options.timings.podStartDelayMs / 2);
    this.options.after(`${pod.metadata.uid}:schedule`, delay, () =>
      this.schedule(pod, 0),
    );
  }

  private backOff(attempt: number) {
    const { backOffMs, backOffMaxMs } = this.options.timings;
    return Math.min(backOffMaxMs, backOffMs * 2 ** Math.min(attempt, 20));
  }

  /** The pod now, if it is still the same pod. */
  private current(pod: Pod): Pod | undefined {
    const { namespace = '', name = '' } = pod.metadata;
    const cur: Pod | undefined = this.options.state.store.get(
      this.pod,
      namespace,
      name,
    );
    return cur && cur.metadata.uid === pod.metadata.uid ? cur : undefined;
  }

  private writeStatus(pod: Pod, status: PodStatus) {
    this.options.state.writeStatus(
      this.pod,
      pod.metadata.namespace ?? '',
      pod.metadata.name!,
      status,
      this.options.kubelet,
    );
  }

  private schedule(pod: Pod, attempt: number) {
    const cur = this.current(pod);
    if (!cur) return;
    const { state, events, nodes, after } = this.options;
    const { namespace = '', name = '', uid } = cur.metadata;
    const spec = cur.spec!;
    const why = unschedulable(spec, nodes.length);
    if (why) {
      events.scheduler(involved(cur), 'Scheduling', {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: why,
      });
      const pending = podStatus({ spec, phase: 'Pending', name });
      pending.conditions![0].message = why;
      const before = cur.status?.conditions?.[0];
      if (before?.message !== why) this.writeStatus(cur, pending);
      after(`${uid}:schedule`, this.backOff(attempt), () =>
        this.schedule(cur, attempt + 1),
      );
      return;
    }
    const nodeName = pickNode(nodes, name);
    const bound: Pod = state.writeAsController(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace },
        spec: { nodeName },
      },
      this.options.scheduler,
    );
    events.scheduler(involved(bound), 'Binding', {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to ${nodeName}`,
    });
    this.writeStatus(
      bound,
      podStatus({ spec: bound.spec!, phase: 'Scheduled', name }),
    );
    const { podStartDelayMs } = this.options.timings;
    after(`${uid}:run`, podStartDelayMs - Math.floor(podStartDelayMs / 2), () =>
      this.pull(bound, 0),
    );
  }

  private kubeletEvent(
    pod: Pod,
    container: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ) {
    this.options.events.kubelet(
      involved(pod, containerField(container)),
      String(pod.spec!.nodeName),
      { type, reason, message },
    );
  }

  private pull(pod: Pod, attempt: number) {
    const cur = this.current(pod);
    if (!cur) return;
    const spec = cur.spec!;
    const containers = spec.containers ?? [];
    const failing = containers.filter(c => unpullable(String(c.image)));
    for (const c of containers) {
      const bad = failing.includes(c);
      if (attempt > 0 && !bad) continue;
      this.kubeletEvent(
        cur,
        c.name,
        'Normal',
        'Pulling',
        `Pulling image "${c.image}"`,
      );
      if (bad) {
        this.kubeletEvent(
          cur,
          c.name,
          'Warning',
          'Failed',
          pullError(String(c.image)),
        );
        this.kubeletEvent(
          cur,
          c.name,
          'Warning',
          'Failed',
          'Error: ErrImagePull',
        );
      } else {
        this.kubeletEvent(
          cur,
          c.name,
          'Normal',
          'Pulled',
          `Successfully pulled image "${c.image}" in 1.204s (1.204s including waiting). Image size: 48213011 bytes.`,
        );
      }
    }
    if (failing.length === 0) {
      this.run(cur, 0);
      return;
    }
    const waiting = (reason: string, message: (image: string) => string) =>
      withContainers(
        podStatus({
          spec,
          phase: 'Scheduled',
          name: cur.metadata.name!,
          startTime: cur.status?.startTime ?? undefined,
        }),
        c =>
          failing.some(f => f.name === c.name)
            ? {
                ...c,
                state: { waiting: { reason, message: message(c.image) } },
              }
            : undefined,
      );
    this.writeStatus(cur, waiting('ErrImagePull', pullError));
    const { after, timings } = this.options;
    const uid = cur.metadata.uid;
    // The next sync finds the pull failed and backs off; the one after the back-off pulls again.
    after(
      `${uid}:pull-backoff`,
      Math.min(timings.backOffMs, timings.podStartDelayMs),
      () => {
        const now = this.current(cur);
        if (!now) return;
        for (const c of failing) {
          this.kubeletEvent(
            now,
            c.name,
            'Normal',
            'BackOff',
            `Back-off pulling image "${c.image}"`,
          );
          this.kubeletEvent(
            now,
            c.name,
            'Warning',
            'Failed',
            'Error: ImagePullBackOff',
          );
        }
        this.writeStatus(
          now,
          waiting(
            'ImagePullBackOff',
            image => `Back-off pulling image "${image}"`,
          ),
        );
        after(`${uid}:pull`, this.backOff(attempt), () =>
          this.pull(now, attempt + 1),
        );
      },
    );
  }

  private run(pod: Pod, restarts: number) {
    const cur = this.current(pod);
    if (!cur) return;
    const spec = cur.spec!;
    const containers = spec.containers ?? [];
    const crashing = containers.filter(c => exitCode(c) !== undefined);
    for (const c of restarts === 0 ? containers : crashing) {
      if (restarts > 0) {
        this.kubeletEvent(
          cur,
          c.name,
          'Normal',
          'Pulled',
          `Container image "${c.image}" already present on machine`,
        );
      }
      this.kubeletEvent(
        cur,
        c.name,
        'Normal',
        'Created',
        `Created container: ${c.name}`,
      );
      this.kubeletEvent(
        cur,
        c.name,
        'Normal',
        'Started',
        `Started container ${c.name}`,
      );
    }
    const name = cur.metadata.name!;
    const startTime = cur.status?.startTime ?? undefined;
    const { after, timings } = this.options;
    const uid = cur.metadata.uid;
    const running = podStatus({
      spec,
      phase: 'Running',
      name,
      startTime,
      restartCount: restarts,
    });
    if (crashing.length === 0) {
      this.writeStatus(cur, running);
      after(`${uid}:ready`, timings.podReadyDelayMs, () => {
        const now = this.current(cur);
        if (!now) return;
        this.writeStatus(
          now,
          podStatus({
            spec: now.spec!,
            phase: 'Ready',
            name,
            startTime: now.status?.startTime ?? undefined,
          }),
        );
      });
      return;
    }
    const others = (c: ContainerStatus) =>
      !crashing.some(x => x.name === c.name);
    // A restarted container keeps how its last run ended, as the kubelet reports it.
    const before = cur.status?.containerStatuses ?? [];
    this.writeStatus(
      cur,
      withContainers(running, c =>
        others(c)
          ? { ...c, restartCount: 0 }
          : {
              ...c,
              lastState: before.find(b => b.name === c.name)?.lastState ?? {},
            },
      ),
    );
    // The process exits at once; the kubelet notices on its next sync and backs off.
    after(
      `${uid}:exit`,
      Math.min(timings.podReadyDelayMs, timings.backOffMs),
      () => {
        const now = this.current(cur);
        if (!now) return;
        const wait = this.backOff(restarts);
        const finishedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        for (const c of crashing) {
          this.kubeletEvent(
            now,
            c.name,
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${c.name} in pod ${name}_${now.metadata.namespace}(${uid})`,
          );
        }
        this.writeStatus(
          now,
          withContainers(running, c => {
            const crashed = crashing.find(x => x.name === c.name);
            if (!crashed) return { ...c, restartCount: 0 };
            return {
              ...c,
              ready: false,
              started: false,
              restartCount: restarts + 1,
              state: {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off ${Math.round(
                    wait / 1000,
                  )}s restarting failed container=${c.name} pod=${name}_${
                    now.metadata.namespace
                  }(${uid})`,
                },
              },
              lastState: {
                terminated: {
                  // `crashing` holds only containers that exit.
                  exitCode: exitCode(crashed)!,
                  reason: 'Error',
                  startedAt: c.state?.running?.startedAt ?? finishedAt,
                  finishedAt,
                  containerID: c.containerID,
                },
              },
            };
          }),
        );
        after(`${uid}:restart`, wait, () => this.run(now, restarts + 1));
      },
    );
  }
}
