import { createHash } from 'node:crypto';
import type { ClusterState } from './cluster';
import { HelmController } from './flux/helmController';
import { RECONCILE_REQUESTED } from './flux/reconcile';
import type { KindInfo } from './kinds';
import { deepEqual } from './patch';
import { EventRecorder } from './events';
import { Kubelet } from './kubelet';
import {
  nodeNames,
  podFromTemplate,
  podTemplateHash,
  stableSuffix,
} from './pods';
import { isNotFound } from './problems';
import type { StoreEvent } from './store';
import type { KubeObject, OwnerReference } from './types';

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

const CONTROLLER = 'kube-controller-manager';

const SCHEDULER = 'kube-scheduler';
const KUBELET = 'kubelet';
const REVISION = 'deployment.kubernetes.io/revision';
/** Delay before a reconcile that failed (not with NotFound) runs again. */
const RETRY_DELAY_MS = 100;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

type Rec = Record<string, any>;

function resolveIntOrPercent(
  v: unknown,
  total: number,
  roundUp: boolean,
  fallback: string,
): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value));
  if (!m) return Number(value) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function isReady(pod: KubeObject): boolean {
  const conds = ((pod.status as Rec | undefined)?.conditions ?? []) as Rec[];
  return conds.some(c => c.type === 'Ready' && c.status === 'True');
}

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
  private readonly kinds: {
    deploy: KindInfo;
    rs: KindInfo;
    pod: KindInfo;
    hr: KindInfo;
    ks: KindInfo;
  };

  constructor(
    private readonly state: ClusterState,
    private readonly timings: ControllerTimings,
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
      this.maybeReconcileFlux(o);
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
        if (ev.type !== 'DELETED') this.maybeReconcileFlux(o);
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
          if (kind === 'rs') this.reconcileReplicaSet(ns, name);
          else this.reconcileDeployment(ns, name);
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

  // --- ReplicaSet controller ------------------------------------------------

  private podsOf(rs: KubeObject): KubeObject[] {
    return this.state.store
      .dependentsOf(rs.metadata.uid!)
      .filter(
        d => d.info === this.kinds.pod && !d.object.metadata.deletionTimestamp,
      )
      .map(d => d.object);
  }

  private reconcileReplicaSet(ns: string, name: string) {
    const rs = this.state.store.get(this.kinds.rs, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const spec = rs.spec as Rec;
    const desired = spec.replicas ?? 1;
    let pods = this.podsOf(rs);
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) {
        const podName = `${name}-${stableSuffix(
          `${rs.metadata.uid}-${Date.now()}-${Math.random()}`,
          5,
        )}`;
        this.state.create(
          this.kinds.pod,
          {
            ...podFromTemplate({
              template: spec.template ?? {},
              name: podName,
              namespace: ns,
              generateName: `${name}-`,
              owner: controllerRef(rs),
              phase: 'Pending',
            }),
            status: undefined,
          },
          ns,
          { manager: CONTROLLER },
        );
      }
    } else if (pods.length > desired) {
      // Not-ready and younger pods go first, as the real controller prefers.
      const victims = [...pods]
        .sort((a, b) => {
          const ra = isReady(a) ? 1 : 0;
          const rb = isReady(b) ? 1 : 0;
          if (ra !== rb) return ra - rb;
          return (
            String(b.metadata.creationTimestamp).localeCompare(
              String(a.metadata.creationTimestamp),
            ) || String(b.metadata.name).localeCompare(String(a.metadata.name))
          );
        })
        .slice(0, pods.length - desired);
      for (const v of victims)
        this.state.delete(this.kinds.pod, ns, v.metadata.name!);
    }
    pods = this.podsOf(rs);
    const ready = pods.filter(isReady).length;
    const cur = (rs.status ?? {}) as Rec;
    const status: Rec = {
      replicas: pods.length,
      ...(pods.length ? { fullyLabeledReplicas: pods.length } : {}),
      ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: rs.metadata.generation,
    };
    if (!deepEqual(cur, status))
      this.state.writeStatus(this.kinds.rs, ns, name, status, CONTROLLER);
  }

  // --- Deployment controller ------------------------------------------------

  private reconcileDeployment(ns: string, name: string) {
    const d = this.state.store.get(this.kinds.deploy, ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const spec = d.spec as Rec;
    const desired: number = spec.replicas ?? 1;
    const template = spec.template ?? {};
    const hash = podTemplateHash(template);
    const owned = this.state.store
      .dependentsOf(d.metadata.uid!)
      .filter(x => x.info === this.kinds.rs)
      .map(x => x.object);
    let newRS = owned.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    const old = () =>
      owned.filter(
        rs => rs !== newRS && rs.metadata.name !== newRS?.metadata.name,
      );
    const replicasOf = (rs: KubeObject) =>
      ((rs.spec as Rec).replicas ?? 0) as number;
    const availableOf = (rs: KubeObject) =>
      ((rs.status as Rec | undefined)?.availableReplicas ?? 0) as number;
    const recreate = spec.strategy?.type === 'Recreate';
    const maxSurge = recreate
      ? 0
      : resolveIntOrPercent(
          spec.strategy?.rollingUpdate?.maxSurge,
          desired,
          true,
          '25%',
        );
    let maxUnavailable = recreate
      ? desired
      : resolveIntOrPercent(
          spec.strategy?.rollingUpdate?.maxUnavailable,
          desired,
          false,
          '25%',
        );
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    let createdNew = false;

    if (spec.paused) {
      this.syncDeploymentStatus(
        d,
        newRS,
        old(),
        desired,
        maxUnavailable,
        false,
      );
      return;
    }

    const setReplicas = (rs: KubeObject, n: number) => {
      if (replicasOf(rs) === n) return rs;
      return this.state.writeAsController(
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: rs.metadata.name,
            namespace: ns,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(desired),
              'deployment.kubernetes.io/max-replicas': String(
                desired + maxSurge,
              ),
            },
          },
          spec: { replicas: n },
        },
        CONTROLLER,
      );
    };

    if (!newRS) {
      const oldTotal = old().reduce((n, rs) => n + replicasOf(rs), 0);
      let initial = desired;
      if (oldTotal > 0)
        initial = recreate
          ? 0
          : Math.max(0, Math.min(desired, desired + maxSurge - oldTotal));
      const revision =
        Math.max(
          0,
          ...owned.map(rs => Number(rs.metadata.annotations?.[REVISION] ?? 0)),
        ) + 1;
      const labels = {
        ...(template.metadata?.labels ?? {}),
        'pod-template-hash': hash,
      };
      newRS = this.state.create(
        this.kinds.rs,
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${name}-${hash}`,
            namespace: ns,
            labels,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(desired),
              'deployment.kubernetes.io/max-replicas': String(
                desired + maxSurge,
              ),
              [REVISION]: String(revision),
            },
            ownerReferences: [controllerRef(d)],
          },
          spec: {
            replicas: initial,
            selector: {
              ...(spec.selector ?? {}),
              matchLabels: {
                ...(spec.selector?.matchLabels ?? {}),
                'pod-template-hash': hash,
              },
            },
            template: {
              ...template,
              metadata: { ...(template.metadata ?? {}), labels },
            },
          },
        },
        ns,
        { manager: CONTROLLER },
      );
      createdNew = true;
      if (d.metadata.annotations?.[REVISION] !== String(revision)) {
        this.state.writeAsController(
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: {
              name,
              namespace: ns,
              annotations: { [REVISION]: String(revision) },
            },
          },
          CONTROLLER,
        );
      }
    } else if (!recreate || old().every(rs => replicasOf(rs) === 0)) {
      const olds = old();
      const oldTotal = olds.reduce((n, rs) => n + replicasOf(rs), 0);
      if (oldTotal === 0) {
        newRS = setReplicas(newRS, desired);
      } else if (!recreate) {
        // Scale up the new ReplicaSet within maxSurge...
        const allTotal = oldTotal + replicasOf(newRS);
        const maxTotal = desired + maxSurge;
        let target = replicasOf(newRS);
        if (allTotal < maxTotal)
          target = Math.min(desired, target + (maxTotal - allTotal));
        if (target > desired) target = desired;
        if (target !== replicasOf(newRS)) {
          newRS = setReplicas(newRS, target);
        } else {
          // ...else scale old ones down within maxUnavailable.
          const minAvailable = desired - maxUnavailable;
          const newUnavailable = replicasOf(newRS) - availableOf(newRS);
          let budget = allTotal - minAvailable - newUnavailable;
          if (budget > 0) {
            const sorted = [...olds].sort((a, b) =>
              String(a.metadata.creationTimestamp).localeCompare(
                String(b.metadata.creationTimestamp),
              ),
            );
            // Unhealthy old replicas first.
            for (const rs of sorted) {
              if (budget <= 0) break;
              const unhealthy = replicasOf(rs) - availableOf(rs);
              const cut = Math.min(unhealthy, budget, replicasOf(rs));
              if (cut > 0) {
                setReplicas(rs, replicasOf(rs) - cut);
                budget -= cut;
              }
            }
            const fresh = () =>
              old()
                .map(
                  rs =>
                    this.state.store.get(this.kinds.rs, ns, rs.metadata.name!)!,
                )
                .filter(Boolean);
            const available = [newRS, ...fresh()].reduce(
              (n, rs) => n + availableOf(rs!),
              0,
            );
            let toCut = Math.min(budget, available - minAvailable);
            for (const rs of fresh().sort((a, b) =>
              String(a.metadata.creationTimestamp).localeCompare(
                String(b.metadata.creationTimestamp),
              ),
            )) {
              if (toCut <= 0) break;
              const cut = Math.min(replicasOf(rs), toCut);
              if (cut > 0) {
                setReplicas(rs, replicasOf(rs) - cut);
                toCut -= cut;
              }
            }
          }
        }
      }
    } else {
      for (const rs of old()) setReplicas(rs, 0);
      // The new ReplicaSet scales up once the old pods are gone.
      const oldPods = old().reduce((n, rs) => n + this.podsOf(rs).length, 0);
      if (oldPods === 0) newRS = setReplicas(newRS, desired);
    }
    this.cleanupHistory(spec.revisionHistoryLimit ?? 10, newRS, old());
    const refreshed = (rs: KubeObject) =>
      this.state.store.get(this.kinds.rs, ns, rs.metadata.name!) ?? rs;
    this.syncDeploymentStatus(
      d,
      newRS && refreshed(newRS),
      old().map(refreshed),
      desired,
      maxUnavailable,
      createdNew,
    );
  }

  private cleanupHistory(
    limit: number,
    newRS: KubeObject | undefined,
    olds: KubeObject[],
  ) {
    const idle = olds
      .filter(
        rs =>
          rs !== newRS &&
          ((rs.spec as Rec).replicas ?? 0) === 0 &&
          ((rs.status as Rec | undefined)?.replicas ?? 0) === 0,
      )
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.[REVISION] ?? 0) -
          Number(b.metadata.annotations?.[REVISION] ?? 0),
      );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.state.delete(
        this.kinds.rs,
        rs.metadata.namespace ?? '',
        rs.metadata.name!,
      );
    }
  }

  private syncDeploymentStatus(
    d: KubeObject,
    newRS: KubeObject | undefined,
    olds: KubeObject[],
    desired: number,
    maxUnavailable: number,
    createdNew: boolean,
  ) {
    const all = [...(newRS ? [newRS] : []), ...olds];
    const st = (rs: KubeObject) => (rs.status ?? {}) as Rec;
    const replicas = all.reduce((n, rs) => n + (st(rs).replicas ?? 0), 0);
    const updated = newRS ? st(newRS).replicas ?? 0 : 0;
    const ready = all.reduce((n, rs) => n + (st(rs).readyReplicas ?? 0), 0);
    const available = all.reduce(
      (n, rs) => n + (st(rs).availableReplicas ?? 0),
      0,
    );
    const unavailable = Math.max(0, replicas - available, desired - available);
    const cur = (d.status ?? {}) as Rec;
    const curConds = (cur.conditions ?? []) as Rec[];
    const t = now();
    const condition = (
      type: string,
      status: string,
      reason: string,
      message: string,
    ) => {
      const prev = curConds.find(c => c.type === type);
      const same =
        prev &&
        prev.status === status &&
        prev.reason === reason &&
        prev.message === message;
      if (same) return prev;
      return {
        type,
        status,
        lastUpdateTime: t,
        lastTransitionTime:
          prev && prev.status === status ? prev.lastTransitionTime : t,
        reason,
        message,
      };
    };
    const availableOk = available >= desired - maxUnavailable;
    const rsName = newRS?.metadata.name ?? '';
    const complete =
      !!newRS &&
      updated === desired &&
      replicas === desired &&
      available === desired;
    let progressing;
    if (complete) {
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      );
    } else if (
      createdNew &&
      !curConds.some(
        c => c.type === 'Progressing' && c.message?.includes(rsName),
      )
    ) {
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        `Created new replica set "${rsName}"`,
      );
    } else {
      progressing = condition(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${rsName}" is progressing.`,
      );
    }
    const status: Rec = {
      observedGeneration: d.metadata.generation,
      ...(replicas ? { replicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(unavailable ? { unavailableReplicas: unavailable } : {}),
      conditions: [
        availableOk
          ? condition(
              'Available',
              'True',
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
            )
          : condition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
        progressing,
      ],
    };
    if (!deepEqual(cur, status)) {
      this.state.writeStatus(
        this.kinds.deploy,
        d.metadata.namespace ?? '',
        d.metadata.name!,
        status,
        CONTROLLER,
      );
    }
  }

  // --- Flux -----------------------------------------------------------------

  private maybeReconcileFlux(o: KubeObject) {
    const status = (o.status ?? {}) as Rec;
    const gen = o.metadata.generation ?? 1;
    // `flux reconcile` (and Groundcrew's retry of a failed release) asks for a reconcile of an
    // unchanged object with this annotation; the status echoes it once handled.
    const requested = o.metadata.annotations?.[RECONCILE_REQUESTED];
    if (
      status.observedGeneration === gen &&
      (!requested || status.lastHandledReconcileAt === requested)
    ) {
      return;
    }
    const info = o.kind === 'HelmRelease' ? this.kinds.hr : this.kinds.ks;
    const { namespace = '', name = '' } = o.metadata;
    const uid = o.metadata.uid!;
    const ready = ((status.conditions ?? []) as Rec[]).find(
      c => c.type === 'Ready',
    );
    if (!ready || ready.status !== 'Unknown') {
      this.state.writeStatus(
        info,
        namespace,
        name,
        {
          ...status,
          conditions: [
            {
              type: 'Ready',
              status: 'Unknown',
              reason: 'Progressing',
              message: 'Reconciliation in progress',
              lastTransitionTime: now(),
              observedGeneration: gen,
            },
          ],
        },
        o.kind === 'HelmRelease' ? 'helm-controller' : 'kustomize-controller',
      );
    }
    this.after(
      `${uid}:flux:${gen}:${requested ?? ''}`,
      this.timings.fluxReadyDelayMs,
      () => {
        const cur = this.state.store.get(info, namespace, name);
        if (!cur || cur.metadata.uid !== uid) return;
        const spec = (cur.spec ?? {}) as Rec;
        const g = cur.metadata.generation ?? 1;
        const t = now();
        const handled = cur.metadata.annotations?.[RECONCILE_REQUESTED];
        const echo = handled ? { lastHandledReconcileAt: handled } : {};
        if (cur.kind === 'HelmRelease' && this.helm.handles(cur)) {
          this.helm.reconcile(cur);
        } else if (cur.kind === 'HelmRelease') {
          const chart = spec.chart?.spec ?? {};
          const version = String(chart.version ?? '1.0.0');
          const release = `${spec.targetNamespace ?? namespace}/${
            spec.releaseName ?? name
          }`;
          const prevHistory = (((cur.status ?? {}) as Rec).history ??
            []) as Rec[];
          const revision = (prevHistory[0]?.version ?? 0) + 1;
          const succeeded = {
            status: 'True',
            observedGeneration: g,
            lastTransitionTime: t,
            reason: revision > 1 ? 'UpgradeSucceeded' : 'InstallSucceeded',
            message: `Helm ${
              revision > 1 ? 'upgrade' : 'install'
            } succeeded for release ${release}.v${revision} with chart ${
              chart.chart ?? name
            }@${version}`,
          };
          this.state.writeStatus(
            info,
            namespace,
            name,
            {
              ...echo,
              observedGeneration: g,
              lastAttemptedGeneration: g,
              lastAttemptedRevision: version,
              lastAppliedRevision: version,
              lastAttemptedConfigDigest: `sha256:${createHash('sha256')
                .update(JSON.stringify(spec.values ?? {}))
                .digest('hex')}`,
              // Flux sets both conditions alike when a release succeeds.
              conditions: ['Ready', 'Released'].map(type => ({
                type,
                ...succeeded,
              })),
              history: [
                {
                  name: spec.releaseName ?? name,
                  namespace: spec.targetNamespace ?? namespace,
                  version: revision,
                  status: 'deployed',
                  chartName: chart.chart ?? name,
                  chartVersion: version,
                  firstDeployed: t,
                  lastDeployed: t,
                },
                ...prevHistory,
              ].slice(0, 5),
            },
            'helm-controller',
          );
        } else {
          const rev = `main@sha1:${createHash('sha1')
            .update(JSON.stringify(spec))
            .digest('hex')}`;
          this.state.writeStatus(
            info,
            namespace,
            name,
            {
              ...echo,
              observedGeneration: g,
              lastAppliedRevision: rev,
              lastAttemptedRevision: rev,
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  observedGeneration: g,
                  lastTransitionTime: t,
                  reason: 'ReconciliationSucceeded',
                  message: `Applied revision: ${rev}`,
                },
              ],
            },
            'kustomize-controller',
          );
        }
      },
    );
  }
}
