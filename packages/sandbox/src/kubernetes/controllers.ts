import type { ClusterState } from './cluster';
import { HelmController } from './flux/helmController';
import { EventRecorder } from './events';
import { Kubelet } from './kubelet';
import { nodeNames } from './pods';
import { isNotFound } from './problems';
import type { StoreEvent } from './store';
import type { KubeObject } from './types';
import type { ControllerContext } from './controllers/context';
import { reconcileDeployment } from './controllers/deploymentController';
import { maybeReconcileFlux } from './controllers/fluxController';
import { reconcileReplicaSet } from './controllers/replicaSetController';

export interface ControllerTimings {
  podStartDelayMs: number;
  podReadyDelayMs: number;
  fluxReadyDelayMs: number;
  /** Back-off of failing pods (see ./kubelet.ts): first, and longest. */
  backOffMs?: number;
  backOffMaxMs?: number;
  /** Events are deleted this long after they last happened (the apiserver's --event-ttl). */
  eventTtlMs?: number;
}

const SCHEDULER = 'kube-scheduler';
const KUBELET = 'kubelet';
/** Delay before a reconcile that failed (not with NotFound) runs again. */
const RETRY_DELAY_MS = 100;

/**
 * The simulated controllers of one cluster: Deployment → ReplicaSet → Pods
 * (scheduled, started, ready over time), and Flux HelmRelease / Kustomization
 * readiness. Event driven: a store change queues the affected objects.
 */
export class Controllers {
  private readonly queue = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private readonly nodes: string[];
  private readonly helm: HelmController;
  private readonly events: EventRecorder;
  private readonly kubelet: Kubelet;
  private readonly kinds: ControllerContext['kinds'];
  /** What the controllers (./controllers/*) share. */
  private readonly context: ControllerContext;

  constructor(
    private readonly state: ClusterState,
    timings: ControllerTimings,
    clusterName: string,
    /** Errors of background work; a NotFound (object gone mid-flight) is not one. */
    private readonly report: (source: string, error: unknown) => void = (
      source,
      error,
    ) =>
      console.warn(
        `[sandbox ${clusterName}] ${source} failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      ),
  ) {
    this.nodes = nodeNames(clusterName);
    this.helm = new HelmController(state);
    this.events = new EventRecorder(state, timings.eventTtlMs ?? 3_600_000);
    this.kubelet = new Kubelet({
      state,
      events: this.events,
      nodes: this.nodes,
      timings: {
        podStartDelayMs: timings.podStartDelayMs,
        podReadyDelayMs: timings.podReadyDelayMs,
        backOffMs: timings.backOffMs ?? 10_000,
        backOffMaxMs: timings.backOffMaxMs ?? 300_000,
      },
      after: (key, ms, fn) => this.after(key, ms, fn),
      scheduler: SCHEDULER,
      kubelet: KUBELET,
    });
    this.kinds = {
      deploy: state.kind('apps/v1', 'Deployment'),
      rs: state.kind('apps/v1', 'ReplicaSet'),
      pod: state.kind('v1', 'Pod'),
      hr: state.kind('helm.toolkit.fluxcd.io/v2', 'HelmRelease'),
      ks: state.kind('kustomize.toolkit.fluxcd.io/v1', 'Kustomization'),
    };
    this.context = {
      state,
      kinds: this.kinds,
      helm: this.helm,
      timings,
      after: (key, ms, fn) => this.after(key, ms, fn),
    };
  }

  start() {
    this.stopped = false;
    this.unsubscribe = this.state.store.subscribe(ev => this.onEvent(ev));
    this.events.start();
    this.resync();
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
    this.events.stop();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.queue.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Queues everything (after a reset or a fixture load). */
  resync() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const s = this.state.store;
    for (const d of s.list(this.kinds.deploy)) this.enqueue('deploy', d);
    for (const rs of s.list(this.kinds.rs)) this.enqueue('rs', rs);
    for (const p of s.list(this.kinds.pod)) this.maybeStartPod(p);
    for (const o of [...s.list(this.kinds.hr), ...s.list(this.kinds.ks)])
      maybeReconcileFlux(this.context, o);
  }

  private key(kind: string, o: KubeObject) {
    return `${kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
  }

  private enqueue(kind: 'deploy' | 'rs', o: KubeObject) {
    if (this.stopped) return;
    this.queue.add(this.key(kind, o));
    this.scheduled ??= setImmediate(() => this.drain());
  }

  private onEvent(ev: StoreEvent) {
    const o = ev.object;
    switch (ev.kind) {
      case 'apps/deployments':
        if (ev.type !== 'DELETED') this.enqueue('deploy', o);
        break;
      case 'apps/replicasets': {
        if (ev.type !== 'DELETED') this.enqueue('rs', o);
        const owner = o.metadata.ownerReferences?.find(
          r => r.controller && r.kind === 'Deployment',
        );
        if (owner)
          this.enqueue('deploy', {
            metadata: { namespace: o.metadata.namespace, name: owner.name },
          });
        break;
      }
      case '/pods': {
        const owner = o.metadata.ownerReferences?.find(
          r => r.controller && r.kind === 'ReplicaSet',
        );
        if (owner)
          this.enqueue('rs', {
            metadata: { namespace: o.metadata.namespace, name: owner.name },
          });
        if (ev.type === 'ADDED') this.maybeStartPod(o);
        if (ev.type === 'DELETED') {
          this.clearTimers(o.metadata.uid!);
          this.events.forget(o.metadata.uid!);
        }
        break;
      }
      case 'helm.toolkit.fluxcd.io/helmreleases':
      case 'kustomize.toolkit.fluxcd.io/kustomizations':
        if (ev.type !== 'DELETED') maybeReconcileFlux(this.context, o);
        else {
          this.clearTimers(o.metadata.uid!);
          // helm-controller's finalizer: uninstall the release's objects.
          if (o.kind === 'HelmRelease') this.helm.uninstall(o);
        }
        break;
      default:
    }
  }

  private drain() {
    this.scheduled = undefined;
    // Several passes settle chains (pod → RS → Deployment) within one turn.
    for (let pass = 0; pass < 5 && this.queue.size && !this.stopped; pass++) {
      const keys = [...this.queue];
      this.queue.clear();
      // ReplicaSets first so a Deployment sees their fresh status.
      keys.sort(
        (a, b) => (a.startsWith('rs|') ? 0 : 1) - (b.startsWith('rs|') ? 0 : 1),
      );
      for (const k of keys) {
        const [kind, ns, name] = k.split('|');
        try {
          if (kind === 'rs') reconcileReplicaSet(this.context, ns, name);
          else reconcileDeployment(this.context, ns, name);
        } catch (error) {
          // The object or its namespace going away mid-flight is expected (the
          // next event re-queues it); anything else is reported.
          if (!isNotFound(error)) {
            this.report(`reconcile ${kind} ${ns}/${name}`, error);
            this.requeueLater(k);
          }
        }
      }
    }
    if (this.queue.size && !this.stopped)
      this.scheduled = setImmediate(() => this.drain());
  }

  /** Retries a failed reconcile later, like a controller's rate-limited work queue. */
  private requeueLater(key: string) {
    this.after(`retry|${key}`, RETRY_DELAY_MS, () => {
      this.queue.add(key);
      this.scheduled ??= setImmediate(() => this.drain());
    });
  }

  private clearTimers(uid: string) {
    for (const [k, t] of this.timers) {
      if (k.startsWith(uid)) {
        clearTimeout(t);
        this.timers.delete(k);
      }
    }
  }

  private after(key: string, ms: number, fn: () => void) {
    if (this.stopped || this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      if (this.stopped) return;
      try {
        fn();
      } catch (error) {
        // A gone object has nothing to advance; anything else is reported.
        if (!isNotFound(error)) this.report(`timer ${key}`, error);
      }
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  // --- pods: scheduler + kubelet -------------------------------------------

  private maybeStartPod(pod: KubeObject) {
    this.kubelet.start(pod);
  }
}
