import { deepEqual } from '../patch';
import { podTemplateHash } from '../pods';
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  PodTemplateSpec,
  ReplicaSet,
  ReplicaSetStatus,
} from '../types';
import {
  CONTROLLER,
  ControllerContext,
  REVISION,
  controllerRef,
  now,
  podsOf,
} from './context';

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

/** The Deployment controller: ReplicaSets per template, rolling update or recreate, history, status. */
export function reconcileDeployment(
  ctl: ControllerContext,
  ns: string,
  name: string,
) {
  const d = ctl.state.store.get(ctl.kinds.deploy, ns, name) as
    | Deployment
    | undefined;
  if (!d || d.metadata.deletionTimestamp) return;
  // Validation lets no Deployment without a spec in.
  const spec = d.spec!;
  const desired: number = spec.replicas ?? 1;
  const template: PodTemplateSpec = spec.template ?? {};
  const hash = podTemplateHash(template);
  const owned = ctl.state.store
    .dependentsOf(d.metadata.uid!)
    .filter(x => x.info === ctl.kinds.rs)
    .map(x => x.object as ReplicaSet);
  let newRS: ReplicaSet | undefined = owned.find(
    rs => rs.metadata.labels?.['pod-template-hash'] === hash,
  );
  const old = () =>
    owned.filter(
      rs => rs !== newRS && rs.metadata.name !== newRS?.metadata.name,
    );
  const replicasOf = (rs: ReplicaSet) => rs.spec!.replicas ?? 0;
  const availableOf = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;
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
    syncDeploymentStatus(ctl, d, newRS, old(), desired, maxUnavailable, false);
    return;
  }

  const setReplicas = (rs: ReplicaSet, n: number): ReplicaSet => {
    if (replicasOf(rs) === n) return rs;
    return ctl.state.writeAsController(
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rs.metadata.name,
          namespace: ns,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
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
    newRS = ctl.state.create(
      ctl.kinds.rs,
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
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
      ctl.state.writeAsController(
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
                rs => ctl.state.store.get(ctl.kinds.rs, ns, rs.metadata.name!)!,
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
    const oldPods = old().reduce((n, rs) => n + podsOf(ctl, rs).length, 0);
    if (oldPods === 0) newRS = setReplicas(newRS, desired);
  }
  cleanupHistory(ctl, spec.revisionHistoryLimit ?? 10, newRS, old());
  const refreshed = (rs: ReplicaSet): ReplicaSet =>
    ctl.state.store.get(ctl.kinds.rs, ns, rs.metadata.name!) ?? rs;
  syncDeploymentStatus(
    ctl,
    d,
    newRS && refreshed(newRS),
    old().map(refreshed),
    desired,
    maxUnavailable,
    createdNew,
  );
}

function cleanupHistory(
  ctl: ControllerContext,
  limit: number,
  newRS: ReplicaSet | undefined,
  olds: ReplicaSet[],
) {
  const idle = olds
    .filter(
      rs =>
        rs !== newRS &&
        (rs.spec!.replicas ?? 0) === 0 &&
        (rs.status?.replicas ?? 0) === 0,
    )
    .sort(
      (a, b) =>
        Number(a.metadata.annotations?.[REVISION] ?? 0) -
        Number(b.metadata.annotations?.[REVISION] ?? 0),
    );
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
    ctl.state.delete(
      ctl.kinds.rs,
      rs.metadata.namespace ?? '',
      rs.metadata.name!,
    );
  }
}

function syncDeploymentStatus(
  ctl: ControllerContext,
  d: Deployment,
  newRS: ReplicaSet | undefined,
  olds: ReplicaSet[],
  desired: number,
  maxUnavailable: number,
  createdNew: boolean,
) {
  const all = [...(newRS ? [newRS] : []), ...olds];
  const st = (rs: ReplicaSet): Partial<ReplicaSetStatus> => rs.status ?? {};
  const replicas = all.reduce((n, rs) => n + (st(rs).replicas ?? 0), 0);
  const updated = newRS ? st(newRS).replicas ?? 0 : 0;
  const ready = all.reduce((n, rs) => n + (st(rs).readyReplicas ?? 0), 0);
  const available = all.reduce(
    (n, rs) => n + (st(rs).availableReplicas ?? 0),
    0,
  );
  const unavailable = Math.max(0, replicas - available, desired - available);
  const cur = d.status ?? {};
  const curConds = cur.conditions ?? [];
  const t = now();
  const condition = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ): DeploymentCondition => {
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
    !curConds.some(c => c.type === 'Progressing' && c.message?.includes(rsName))
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
  const status: DeploymentStatus = {
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
    ctl.state.writeStatus(
      ctl.kinds.deploy,
      d.metadata.namespace ?? '',
      d.metadata.name!,
      status,
      CONTROLLER,
    );
  }
}
