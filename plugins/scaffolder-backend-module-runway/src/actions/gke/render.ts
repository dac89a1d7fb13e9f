import {
  GROUNDCREW_LABELS,
  RUNWAY_LABELS,
  RunwayKubernetesManifest,
  runwayRolloutSteps,
} from '@groundcrew/plugin-infra-common';
import type { RunwayActionsConfig } from '../../config';
import { ImageRef } from '../image';
import { Manifest } from './kube';

/** Labels on what Groundcrew owns: the owner group's name and the manager. */
export const OWNER_LABEL = GROUNDCREW_LABELS.owner;
export const MANAGED_BY = {
  key: 'app.kubernetes.io/managed-by',
  value: 'groundcrew',
} as const;
export const RELEASE_LABEL = 'runway.gitlab.com/release';

/** The Runway chart's values (docs/content/runway.md, "The chart's values"). */
export interface RunwayChartValues {
  service: string;
  release: string;
  stage: string;
  image: ImageRef;
  containerPort: number;
  replicas: { min: number; max: number };
  resources: { limits: { cpu: string; memory: string } };
  env: Array<
    | { name: string; value: string }
    | { name: string; vault: { path: string; key: string } }
  >;
  probes?: {
    startup?: ProbeValues;
    liveness?: ProbeValues;
  };
  serviceAccountName: string;
  registrationTokenSecret: string;
  canary: {
    enabled: boolean;
    weight: number;
    replicas: number;
    image?: ImageRef;
  };
  route: {
    hostnames: string[];
    gateway: { name: string; namespace: string };
  };
}

interface ProbeValues {
  path: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds?: number;
}

export interface GkeTarget {
  cluster: string;
  namespace: string;
  /** The owner group's name (`team-ai` of `group:default/team-ai`). */
  owner: string;
  stage: string;
  release: string;
  image: ImageRef;
}

export type HelmRelease = Manifest & {
  spec?: { values?: Partial<RunwayChartValues>; [key: string]: unknown };
  status?: {
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }>;
  };
};

function probe(
  p: RunwayKubernetesManifest['spec']['startup_probe'],
): ProbeValues | undefined {
  if (!p) return undefined;
  return {
    path: p.path,
    initialDelaySeconds: p.initial_delay_seconds,
    periodSeconds: p.period_seconds,
    failureThreshold: p.failure_threshold,
    ...(p.timeout_seconds !== undefined
      ? { timeoutSeconds: p.timeout_seconds }
      : {}),
  };
}

/**
 * The canary part of the values. A new release over a stable one that runs starts as a canary at
 * the manifest's first rollout step (unless the strategy is expedited); a canary already running
 * this release keeps the weight it was stepped to (by the Traffic tab), so a re-run changes
 * nothing.
 */
function canaryOf(
  manifest: RunwayKubernetesManifest,
  target: GkeTarget,
  existing: Partial<RunwayChartValues> | undefined,
): { stable: ImageRef; canary: RunwayChartValues['canary'] } {
  const off = { enabled: false, weight: 0, replicas: 1 };
  const [first] = runwayRolloutSteps(manifest);
  const running = existing?.image;
  const sameImage = (a?: ImageRef, b?: ImageRef) =>
    !!a && !!b && a.repository === b.repository && a.tag === b.tag;
  if (!running || sameImage(running, target.image) || first >= 100) {
    return { stable: target.image, canary: off };
  }
  const current = existing?.canary;
  const weight =
    current?.enabled && sameImage(current.image, target.image)
      ? current.weight
      : first;
  return {
    stable: running,
    canary: { enabled: true, weight, replicas: 1, image: target.image },
  };
}

export function renderValues(
  manifest: RunwayKubernetesManifest,
  target: GkeTarget,
  config: RunwayActionsConfig,
  existing?: Partial<RunwayChartValues>,
): RunwayChartValues {
  const { name } = manifest.metadata;
  const { spec } = manifest;
  const external = spec.load_balancing.external_load_balancer;
  const { stable, canary } = canaryOf(manifest, target, existing);
  const startup = probe(spec.startup_probe);
  const liveness = probe(spec.liveness_probe);
  return {
    service: name,
    release: target.release,
    stage: target.stage,
    image: stable,
    containerPort: spec.container_port,
    replicas: {
      min: spec.scalability.min_instances,
      max: spec.scalability.max_instances ?? spec.scalability.min_instances,
    },
    resources: { limits: { ...spec.resources.limits } },
    env: Object.entries(spec.environment_variables ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([envName, v]) =>
        v.vault
          ? { name: envName, vault: { path: v.vault.path, key: v.vault.key } }
          : { name: envName, value: v.value ?? '' },
      ),
    ...(startup || liveness
      ? {
          probes: {
            ...(startup ? { startup } : {}),
            ...(liveness ? { liveness } : {}),
          },
        }
      : {}),
    serviceAccountName: name,
    registrationTokenSecret: registrationSecretName(name),
    canary,
    route: {
      hostnames:
        external.enabled && external.hostnames?.length
          ? [...external.hostnames]
          : [`${name}.${target.cluster}.${config.domain}`],
      gateway: { ...config.gateway },
    },
  };
}

export function registrationSecretName(service: string): string {
  return `${service}-runway-registration`;
}

/** The objects of a turn-up, in the order they are applied (the Secret is made apart). */
export function renderObjects(
  manifest: RunwayKubernetesManifest,
  target: GkeTarget,
  config: RunwayActionsConfig,
  existing?: Partial<RunwayChartValues>,
): {
  namespace: Manifest;
  serviceAccount: Manifest;
  helmRelease: HelmRelease;
  values: RunwayChartValues;
} {
  const { name } = manifest.metadata;
  const runway = {
    [RUNWAY_LABELS.service]: name,
    [RUNWAY_LABELS.stage]: target.stage,
  };
  const owned = {
    [OWNER_LABEL]: target.owner,
    [MANAGED_BY.key]: MANAGED_BY.value,
  };
  const values = renderValues(manifest, target, config, existing);
  return {
    namespace: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: target.namespace,
        labels: { [RUNWAY_LABELS.stage]: target.stage, ...owned },
      },
    },
    serviceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name,
        namespace: target.namespace,
        labels: { ...runway, ...owned },
      },
    },
    helmRelease: {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: {
        name,
        namespace: target.namespace,
        labels: {
          ...runway,
          [RELEASE_LABEL]: target.release,
          'backstage.io/kubernetes-id': name,
          ...owned,
        },
      },
      spec: {
        interval: '5m',
        releaseName: name,
        chart: {
          spec: {
            chart: config.chart.name,
            version: config.chart.version,
            sourceRef: { ...config.chart.sourceRef },
          },
        },
        values,
      },
    },
    values,
  };
}

/** The registration token's Secret; its value is made by the caller and never leaves it. */
export function renderSecret(
  manifest: RunwayKubernetesManifest,
  target: GkeTarget,
  token: string,
): Manifest & { type: string; data: Record<string, string> } {
  const { name } = manifest.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: registrationSecretName(name),
      namespace: target.namespace,
      labels: {
        [RUNWAY_LABELS.service]: name,
        [OWNER_LABEL]: target.owner,
        [MANAGED_BY.key]: MANAGED_BY.value,
      },
    },
    type: 'Opaque',
    data: { token: Buffer.from(token).toString('base64') },
  };
}
