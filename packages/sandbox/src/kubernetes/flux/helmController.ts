import { RECONCILE_REQUESTED } from './reconcile';
import { createHash } from 'node:crypto';
import type { ClusterState } from '../cluster';
import type { KindInfo } from '../kinds';
import { isNotFound } from '../problems';
import type { KubeObject } from '../types';
import {
  RUNWAY_CHART,
  RUNWAY_CHART_VERSION,
  ReleaseRef,
  isRenderedVersion,
  renderRunwayChart,
  validateRunwayValues,
} from './runwayChart';

/** Flux's helm-controller field manager (and event source). */
export const HELM_CONTROLLER = 'helm-controller';
const NAME_LABEL = 'helm.toolkit.fluxcd.io/name';
const NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace';

type Rec = Record<string, unknown>;
/** The parts of a HelmRelease spec the controller reads. */
export interface HelmReleaseSpec {
  releaseName?: string;
  targetNamespace?: string;
  storageNamespace?: string;
  values?: unknown;
  chart?: {
    spec?: {
      chart?: string;
      version?: string;
      sourceRef?: { namespace?: string };
    };
  };
}
/** A history entry (api/v2 Snapshot). */
export interface Snapshot {
  name: string;
  namespace: string;
  version: number;
  status: string;
  chartName: string;
  chartVersion: string;
  configDigest: string;
  digest: string;
  firstDeployed: string;
  lastDeployed: string;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const sha256 = (v: unknown) =>
  `sha256:${createHash('sha256').update(JSON.stringify(v)).digest('hex')}`;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

class ReleaseError extends Error {}

/**
 * The part of Flux's helm-controller that installs, upgrades and uninstalls
 * releases of the Runway chart: renders the chart's templates from
 * `spec.values`, applies them (server-side apply as `helm-controller`),
 * prunes what the release no longer renders, and writes the HelmRelease
 * status as helm.toolkit.fluxcd.io/v2 does (Ready / Released conditions,
 * history snapshots, failure counters).
 */
export class HelmController {
  private readonly kinds: {
    hr: KindInfo;
    rendered: KindInfo[];
  };

  constructor(private readonly state: ClusterState) {
    this.kinds = {
      hr: state.kind('helm.toolkit.fluxcd.io/v2', 'HelmRelease'),
      rendered: [
        state.kind('apps/v1', 'Deployment'),
        state.kind('v1', 'Service'),
        state.kind('gateway.networking.k8s.io/v1', 'HTTPRoute'),
      ],
    };
  }

  /** True for a HelmRelease of a chart (and version) whose templates the imitation holds. */
  handles(hr: KubeObject): boolean {
    const chart = (hr.spec as HelmReleaseSpec | undefined)?.chart?.spec;
    return chart?.chart === RUNWAY_CHART && isRenderedVersion(chart.version);
  }

  private ref(hr: KubeObject): ReleaseRef {
    const spec = (hr.spec ?? {}) as HelmReleaseSpec;
    const ns = hr.metadata.namespace ?? 'default';
    const name = hr.metadata.name!;
    return {
      hrName: name,
      hrNamespace: ns,
      releaseName:
        spec.releaseName ??
        (spec.targetNamespace ? `${spec.targetNamespace}-${name}` : name),
      targetNamespace: spec.targetNamespace ?? ns,
    };
  }

  /** Objects a release rendered, found by the labels helm-controller puts on them. */
  private renderedBy(hrName: string, hrNamespace: string) {
    const out: Array<{ info: KindInfo; object: KubeObject }> = [];
    for (const info of this.kinds.rendered) {
      for (const object of this.state.store.list(info)) {
        const l = object.metadata.labels ?? {};
        if (l[NAME_LABEL] === hrName && l[NAMESPACE_LABEL] === hrNamespace)
          out.push({ info, object });
      }
    }
    return out;
  }

  private remove(info: KindInfo, o: KubeObject) {
    try {
      this.state.delete(info, o.metadata.namespace ?? '', o.metadata.name!);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** One reconcile: install or upgrade, then the status. */
  reconcile(hr: KubeObject): void {
    const spec = (hr.spec ?? {}) as HelmReleaseSpec;
    const status = (hr.status ?? {}) as Rec;
    const ref = this.ref(hr);
    const g = hr.metadata.generation ?? 1;
    const chart = spec.chart?.spec ?? {};
    const chartVersion = chart.version || RUNWAY_CHART_VERSION;
    const history = ((status.history ?? []) as Snapshot[]).slice();
    const deployed = history.find(s => s.status === 'deployed');
    const action = deployed ? 'upgrade' : 'install';
    const configDigest = sha256(spec.values ?? {});
    const release = `${ref.targetNamespace}/${ref.releaseName}`;
    const t = now();
    const requested = hr.metadata.annotations?.[RECONCILE_REQUESTED];
    const common: Rec = {
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
      observedGeneration: g,
      lastAttemptedGeneration: g,
      helmChart: `${chart.sourceRef?.namespace ?? ref.hrNamespace}/${
        ref.hrNamespace
      }-${ref.hrName}`,
      storageNamespace: spec.storageNamespace ?? ref.hrNamespace,
      lastAttemptedRevision: chartVersion,
      lastAttemptedConfigDigest: configDigest,
      lastAttemptedReleaseAction: action,
    };

    let objects: KubeObject[];
    try {
      const checked = validateRunwayValues(spec.values ?? {});
      if ('errors' in checked) {
        throw new ReleaseError(
          `values don't meet the specifications of the schema(s) in the following chart(s):\n${RUNWAY_CHART}:\n${checked.errors.join(
            '\n',
          )}`,
        );
      }
      objects = renderRunwayChart(checked.values, ref);
      this.apply(objects, ref, action);
    } catch (e) {
      const reason = action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
      const message = `Helm ${action} failed for release ${release} with chart ${RUNWAY_CHART}@${chartVersion}: ${messageOf(
        e,
      )}`;
      const failures = (n: unknown) => (typeof n === 'number' ? n : 0) + 1;
      this.state.writeStatus(
        this.kinds.hr,
        ref.hrNamespace,
        ref.hrName,
        {
          ...common,
          ...(status.lastAppliedRevision
            ? { lastAppliedRevision: status.lastAppliedRevision }
            : {}),
          failures: failures(status.failures),
          ...(action === 'install'
            ? { installFailures: failures(status.installFailures) }
            : { upgradeFailures: failures(status.upgradeFailures) }),
          conditions: ['Ready', 'Released'].map(type => ({
            type,
            status: 'False',
            observedGeneration: g,
            lastTransitionTime: t,
            reason,
            message,
          })),
          ...(history.length ? { history } : {}),
        },
        HELM_CONTROLLER,
      );
      return;
    }

    // An unchanged chart and config is no new Helm release: the objects were
    // re-applied above (drift correction) and the history stays.
    const inSync =
      deployed &&
      deployed === history[0] &&
      deployed.configDigest === configDigest &&
      deployed.chartVersion === chartVersion;
    let latest: Snapshot;
    if (inSync) {
      latest = deployed;
    } else {
      const version = (history[0]?.version ?? 0) + 1;
      latest = {
        name: ref.releaseName,
        namespace: ref.targetNamespace,
        version,
        status: 'deployed',
        chartName: RUNWAY_CHART,
        chartVersion,
        configDigest,
        digest: sha256({ version, chartVersion, objects }),
        firstDeployed: deployed?.firstDeployed ?? t,
        lastDeployed: t,
      };
    }
    // Like Snapshots.Truncate: keep up to the previous deployed release.
    const previous = history
      .filter(s => s !== latest && s.version < latest.version)
      .map(s => (s.status === 'deployed' ? { ...s, status: 'superseded' } : s));
    const upTo = previous.findIndex(
      s => s.status === 'deployed' || s.status === 'superseded',
    );
    const kept = upTo >= 0 ? previous.slice(0, upTo + 1) : previous.slice(0, 4);
    const reason =
      action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
    const message = `Helm ${action} succeeded for release ${ref.targetNamespace}/${ref.releaseName}.v${latest.version} with chart ${RUNWAY_CHART}@${chartVersion}`;
    const prevConds = (status.conditions ?? []) as Rec[];
    this.state.writeStatus(
      this.kinds.hr,
      ref.hrNamespace,
      ref.hrName,
      {
        ...common,
        // Deprecated in v2 (the history has it) but still written by Flux.
        lastAppliedRevision: chartVersion,
        conditions: ['Ready', 'Released'].map(type => {
          const prev = prevConds.find(c => c.type === type);
          const keep = inSync && prev?.status === 'True';
          return {
            type,
            status: 'True',
            observedGeneration: g,
            lastTransitionTime: t,
            reason: keep ? prev.reason : reason,
            message: keep ? prev.message : message,
          };
        }),
        history: [latest, ...kept],
      },
      HELM_CONTROLLER,
    );
  }

  /**
   * Applies the rendered objects and prunes what the release rendered before
   * but no longer does. Everything is checked (ownership, a dry run of each
   * write) before anything is written, so a failed upgrade leaves the
   * previous release's objects as they were.
   */
  private apply(
    objects: KubeObject[],
    ref: ReleaseRef,
    action: 'install' | 'upgrade',
  ) {
    const writes = objects.map(o => {
      const info = this.state.kind(o.apiVersion!, o.kind!);
      const ns = o.metadata.namespace ?? '';
      const name = o.metadata.name!;
      const existing = this.state.store.get(info, ns, name);
      if (existing) this.checkOwnership(existing, info, ref, action);
      return { info, ns, name, body: JSON.stringify(o) };
    });
    const opts = { manager: HELM_CONTROLLER, force: true };
    for (const w of writes) {
      try {
        this.state.apply(w.info, w.ns, w.name, w.body, {
          ...opts,
          dryRun: true,
        });
      } catch (e) {
        const verb = this.state.store.get(w.info, w.ns, w.name)
          ? 'update: failed to update'
          : 'create: failed to create';
        throw new ReleaseError(`${verb}: ${messageOf(e)}`);
      }
    }
    for (const w of writes)
      this.state.apply(w.info, w.ns, w.name, w.body, opts);
    // Prune: what the release rendered before (or left behind by a failed
    // attempt) but does not render now.
    const keep = new Set(writes.map(w => `${w.info.kind}|${w.ns}|${w.name}`));
    for (const { info, object } of this.renderedBy(
      ref.hrName,
      ref.hrNamespace,
    )) {
      const k = `${info.kind}|${object.metadata.namespace ?? ''}|${
        object.metadata.name
      }`;
      if (!keep.has(k)) this.remove(info, object);
    }
  }

  /** Helm refuses to adopt an object another release (or nobody) owns. */
  private checkOwnership(
    existing: KubeObject,
    info: KindInfo,
    ref: ReleaseRef,
    action: 'install' | 'upgrade',
  ) {
    const labels = existing.metadata.labels ?? {};
    const annotations = existing.metadata.annotations ?? {};
    const problems: string[] = [];
    if (labels['app.kubernetes.io/managed-by'] !== 'Helm')
      problems.push(
        `label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"`,
      );
    const want: Array<[string, string]> = [
      ['meta.helm.sh/release-name', ref.releaseName],
      ['meta.helm.sh/release-namespace', ref.targetNamespace],
    ];
    for (const [key, value] of want) {
      const got = annotations[key];
      if (got === undefined)
        problems.push(
          `annotation validation error: missing key "${key}": must be set to "${value}"`,
        );
      else if (got !== value)
        problems.push(
          `annotation validation error: key "${key}" must equal "${value}": current value is "${got}"`,
        );
    }
    if (problems.length) {
      throw new ReleaseError(
        `rendered manifests contain a resource that already exists. Unable to continue with ${
          action === 'install' ? 'install' : 'update'
        }: ${info.kind} "${existing.metadata.name}" in namespace "${
          existing.metadata.namespace
        }" exists and cannot be imported into the current release: invalid ownership metadata; ${problems.join(
          '; ',
        )}`,
      );
    }
  }

  /**
   * The uninstall when a HelmRelease is deleted: its rendered objects go (their
   * ReplicaSets and pods with them, through the garbage collector).
   */
  uninstall(hr: KubeObject): void {
    const name = hr.metadata.name!;
    const ns = hr.metadata.namespace ?? 'default';
    for (const { info, object } of this.renderedBy(name, ns))
      this.remove(info, object);
  }
}
