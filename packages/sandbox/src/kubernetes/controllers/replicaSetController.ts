import { deepEqual } from '../patch';
import { podFromTemplate, stableSuffix } from '../pods';
import type { ReplicaSet, ReplicaSetStatus } from '../types';
import {
  CONTROLLER,
  ControllerContext,
  controllerRef,
  isReady,
  podsOf,
} from './context';

/** The ReplicaSet controller: as many pods as the spec asks (not-ready and younger ones go first), and the status. */
export function reconcileReplicaSet(
  ctl: ControllerContext,
  ns: string,
  name: string,
) {
  const rs = ctl.state.store.get(ctl.kinds.rs, ns, name) as
    | ReplicaSet
    | undefined;
  if (!rs || rs.metadata.deletionTimestamp) return;
  // Validation lets no ReplicaSet without a spec in.
  const spec = rs.spec!;
  const desired = spec.replicas ?? 1;
  let pods = podsOf(ctl, rs);
  if (pods.length < desired) {
    for (let i = pods.length; i < desired; i++) {
      const podName = `${name}-${stableSuffix(
        `${rs.metadata.uid}-${Date.now()}-${Math.random()}`,
        5,
      )}`;
      ctl.state.create(
        ctl.kinds.pod,
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
      ctl.state.delete(ctl.kinds.pod, ns, v.metadata.name!);
  }
  pods = podsOf(ctl, rs);
  const ready = pods.filter(isReady).length;
  const cur = rs.status ?? {};
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    ...(pods.length ? { fullyLabeledReplicas: pods.length } : {}),
    ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
    observedGeneration: rs.metadata.generation,
  };
  if (!deepEqual(cur, status))
    ctl.state.writeStatus(ctl.kinds.rs, ns, name, status, CONTROLLER);
}
