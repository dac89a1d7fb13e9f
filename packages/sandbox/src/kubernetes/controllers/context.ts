import type { ClusterState } from '../cluster';
import type { HelmController } from '../flux/helmController';
import type { KindInfo } from '../kinds';
import type { KubeObject, OwnerReference, Pod } from '../types';

/** What the controllers share: the cluster, its kinds, the Flux helm-controller, timings and timers. */
export interface ControllerContext {
  state: ClusterState;
  kinds: {
    deploy: KindInfo;
    rs: KindInfo;
    pod: KindInfo;
    hr: KindInfo;
    ks: KindInfo;
  };
  helm: HelmController;
  timings: { fluxReadyDelayMs: number };
  /** Runs `fn` after `ms` once per key (until it ran), unless the controllers stop. */
  after(key: string, ms: number, fn: () => void): void;
}

/** The field manager of kube-controller-manager's writes. */
export const CONTROLLER = 'kube-controller-manager';
export const REVISION = 'deployment.kubernetes.io/revision';
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isReady(pod: Pod): boolean {
  const conds = pod.status?.conditions ?? [];
  return conds.some(c => c.type === 'Ready' && c.status === 'True');
}

/** The live (not terminating) pods a ReplicaSet owns. */
export function podsOf(ctl: ControllerContext, rs: KubeObject): Pod[] {
  return ctl.state.store
    .dependentsOf(rs.metadata.uid!)
    .filter(
      d => d.info === ctl.kinds.pod && !d.object.metadata.deletionTimestamp,
    )
    .map(d => d.object as Pod);
}
