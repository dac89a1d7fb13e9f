import { createHash } from 'node:crypto';
import { RECONCILE_REQUESTED } from '../flux/reconcile';
import type { HelmReleaseSpec, Snapshot } from '../flux/helmController';
import type { Condition, KubeObject } from '../types';
import { ControllerContext, now } from './context';

/** The parts of a HelmRelease's or Kustomization's status read here. */
interface FluxStatus {
  observedGeneration?: number;
  lastHandledReconcileAt?: string;
  conditions?: Condition[];
  /** HelmRelease only (this controller's entries have no digests). */
  history?: Array<Partial<Snapshot>>;
}

/** Flux HelmRelease / Kustomization readiness: Progressing now, Ready after the flux delay (or helm-controller's own reconcile). */
export function maybeReconcileFlux(ctl: ControllerContext, o: KubeObject) {
  const status = (o.status ?? {}) as FluxStatus;
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
  const info = o.kind === 'HelmRelease' ? ctl.kinds.hr : ctl.kinds.ks;
  const { namespace = '', name = '' } = o.metadata;
  const uid = o.metadata.uid!;
  const ready = (status.conditions ?? []).find(c => c.type === 'Ready');
  if (!ready || ready.status !== 'Unknown') {
    ctl.state.writeStatus(
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
  ctl.after(
    `${uid}:flux:${gen}:${requested ?? ''}`,
    ctl.timings.fluxReadyDelayMs,
    () => {
      const cur = ctl.state.store.get(info, namespace, name);
      if (!cur || cur.metadata.uid !== uid) return;
      const spec = cur.spec ?? {};
      const g = cur.metadata.generation ?? 1;
      const t = now();
      const handled = cur.metadata.annotations?.[RECONCILE_REQUESTED];
      const echo = handled ? { lastHandledReconcileAt: handled } : {};
      if (cur.kind === 'HelmRelease' && ctl.helm.handles(cur)) {
        ctl.helm.reconcile(cur);
      } else if (cur.kind === 'HelmRelease') {
        const hr = spec as HelmReleaseSpec;
        const chart = hr.chart?.spec ?? {};
        const version = String(chart.version ?? '1.0.0');
        const release = `${hr.targetNamespace ?? namespace}/${
          hr.releaseName ?? name
        }`;
        const prevHistory = ((cur.status ?? {}) as FluxStatus).history ?? [];
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
        ctl.state.writeStatus(
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
              .update(JSON.stringify(hr.values ?? {}))
              .digest('hex')}`,
            // Flux sets both conditions alike when a release succeeds.
            conditions: ['Ready', 'Released'].map(type => ({
              type,
              ...succeeded,
            })),
            history: [
              {
                name: hr.releaseName ?? name,
                namespace: hr.targetNamespace ?? namespace,
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
        ctl.state.writeStatus(
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
