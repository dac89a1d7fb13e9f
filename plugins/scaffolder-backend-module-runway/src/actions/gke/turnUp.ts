import { randomBytes } from 'node:crypto';
import type { AuditorService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { RunwayKubernetesManifest } from '@groundcrew/plugin-infra-common';
import { audited, KubernetesFleetService } from '@groundcrew/plugin-infra-node';
import yaml from 'yaml';
import type { RunwayActionsConfig } from '../../config';
import { formatImage } from '../image';
import { pollUntil, StepContext } from '../step';
import { contains, Manifest, RunwayCluster } from './kube';
import {
  GkeTarget,
  HelmRelease,
  MANAGED_BY,
  OWNER_LABEL,
  renderObjects,
  renderSecret,
} from './render';

export interface GkeTurnUpResult {
  plan: string[];
  urls: string[];
  canaryPercent: number;
}

/** Flux's annotation that asks for a reconcile (fluxcd/pkg apis/meta ReconcileRequestAnnotation). */
const RECONCILE_REQUESTED = 'reconcile.fluxcd.io/requestedAt';

/** The Ready condition of a release Flux failed at its current generation. */
function failedCondition(hr: HelmRelease) {
  const ready = hr.status?.conditions?.find(c => c.type === 'Ready');
  const current =
    (hr.status?.observedGeneration ?? 0) >=
    ((hr.metadata as { generation?: number }).generation ?? 1);
  return current && ready?.status === 'False' ? ready : undefined;
}

type Deployment = Manifest & {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
  };
  metadata: { generation?: number };
};

function labelsOf(o: Manifest | undefined): Record<string, string> {
  return (
    (o?.metadata as { labels?: Record<string, string> } | undefined)?.labels ??
    {}
  );
}

/** Refuses a namespace or release that another team owns or Groundcrew does not manage. */
function checkOwnership(
  what: string,
  o: Manifest | undefined,
  target: GkeTarget,
  field: string,
) {
  if (!o) return;
  const labels = labelsOf(o);
  const owner = labels[OWNER_LABEL];
  if (owner && owner !== target.owner) {
    throw new ConflictError(
      `${field}: ${what} on cluster ${target.cluster} belongs to ${owner}, not ${target.owner}; choose another name`,
    );
  }
  if (!owner && labels[MANAGED_BY.key] !== MANAGED_BY.value) {
    throw new ConflictError(
      `${field}: ${what} already exists on cluster ${target.cluster} and Groundcrew does not manage it; choose another name`,
    );
  }
}

/** What the log shows of an object: YAML, with a Secret's data replaced. */
function show(o: Manifest): string {
  const data = (o as { data?: Record<string, string> }).data;
  const safe = data
    ? {
        ...o,
        data: Object.fromEntries(
          Object.keys(data).map(k => [k, '<generated when applied>']),
        ),
      }
    : o;
  return yaml.stringify(safe);
}

/**
 * A Runway service on a fleet cluster: namespace, service account, registration token Secret and a
 * Flux HelmRelease of the Runway chart, server-side applied by `groundcrew`, then followed until
 * the release is Ready and its pods are. Each object is read first and applied only when it
 * differs, so a second identical run writes nothing.
 */
export async function turnUpOnGke(options: {
  ctx: StepContext;
  fleet: KubernetesFleetService;
  auditor: AuditorService;
  config: RunwayActionsConfig;
  manifest: RunwayKubernetesManifest;
  target: GkeTarget;
  actor: string;
}): Promise<GkeTurnUpResult> {
  const { ctx, fleet, auditor, config, manifest, target, actor } = options;
  const { name } = manifest.metadata;
  const where = `${target.cluster}/${target.namespace}`;

  const clusters = await fleet.listClusters();
  if (!clusters.some(c => c.name === target.cluster)) {
    throw new InputError(
      `cluster: the fleet has no cluster named ${target.cluster} (it has ${
        clusters.map(c => c.name).join(', ') || 'none'
      })`,
    );
  }
  const kube = new RunwayCluster(
    target.cluster,
    await fleet.getKubeConfig(target.cluster),
  );

  // Read everything first: the plan, ownership and the dry run come from what is there.
  const header = (apiVersion: string, kind: string, ns?: string, n = name) =>
    ({
      apiVersion,
      kind,
      metadata: { name: n, ...(ns ? { namespace: ns } : {}) },
    } as Manifest);
  const namespace = await kube.read(
    header('v1', 'Namespace', undefined, target.namespace),
  );
  checkOwnership(
    `namespace ${target.namespace}`,
    namespace,
    target,
    'namespace',
  );
  const release = await kube.read<HelmRelease>(
    header('helm.toolkit.fluxcd.io/v2', 'HelmRelease', target.namespace),
  );
  checkOwnership(`HelmRelease ${where}/${name}`, release, target, 'manifest');
  const objects = renderObjects(
    manifest,
    target,
    config,
    release?.spec?.values,
  );
  const serviceAccount = await kube.read(objects.serviceAccount);
  const secretName = objects.values.registrationTokenSecret;
  const secret = await kube.read(
    header('v1', 'Secret', target.namespace, secretName),
  );

  const toApply: Array<{ object: Manifest; step: string }> = [];
  const plan: string[] = [];
  if (!contains(namespace, objects.namespace)) {
    plan.push(
      namespace
        ? `label namespace ${target.namespace}`
        : `create namespace ${target.namespace}`,
    );
    toApply.push({ object: objects.namespace, step: 'namespace' });
  }
  if (!contains(serviceAccount, objects.serviceAccount)) {
    plan.push(`apply ServiceAccount ${target.namespace}/${name}`);
    toApply.push({ object: objects.serviceAccount, step: 'serviceaccount' });
  }
  if (!secret) {
    plan.push(
      `create Secret ${target.namespace}/${secretName} (a generated registration token)`,
    );
  }
  const { values } = objects;
  if (!contains(release, objects.helmRelease)) {
    const what = values.canary.enabled
      ? `release ${target.release} as a canary at ${
          values.canary.weight
        }% (${formatImage(values.canary.image!)}) beside ${formatImage(
          values.image,
        )}`
      : `release ${target.release} (${formatImage(values.image)})`;
    plan.push(
      `${release ? 'update' : 'create'} HelmRelease ${
        target.namespace
      }/${name}: chart ${config.chart.name}@${config.chart.version}, stage ${
        target.stage
      }, ${what}`,
    );
    toApply.push({ object: objects.helmRelease, step: 'helmrelease' });
  }
  // A release Flux failed to install, asked for again unchanged: ask Flux to try again, as
  // `flux reconcile helmrelease` does (Flux retries only on a change or its own schedule).
  const failed =
    release && !toApply.some(a => a.step === 'helmrelease')
      ? failedCondition(release)
      : undefined;
  if (failed) {
    plan.push(
      `ask Flux to retry HelmRelease ${
        target.namespace
      }/${name}, which failed (${failed.reason ?? 'no reason'})`,
    );
  }
  const urls = values.route.hostnames.map(h => `https://${h}`);
  const result = {
    plan,
    urls,
    canaryPercent: values.canary.enabled ? values.canary.weight : 0,
  };

  if (ctx.isDryRun) {
    const shown = [
      objects.namespace,
      objects.serviceAccount,
      renderSecret(manifest, target, 'x'),
      objects.helmRelease,
    ];
    ctx.logger.info(
      `Dry run on ${where}, nothing applied. Plan:\n  - ${
        plan.join('\n  - ') || 'nothing to change'
      }\nObjects:\n${shown.map(show).join('---\n')}`,
    );
    return result;
  }

  let requestedAt: string | undefined;
  if (plan.length) {
    ctx.logger.info(
      `Plan for ${name} on ${where}:\n  - ${plan.join('\n  - ')}`,
    );
    await audited(
      auditor,
      {
        eventId: 'runway-service-create',
        actor,
        target: `kubernetes://${where}/helmreleases/${name}`,
        before: {
          namespace: Boolean(namespace),
          helmRelease: release
            ? {
                release: labelsOf(release)['runway.gitlab.com/release'] ?? '',
                image: release.spec?.values?.image
                  ? formatImage(release.spec.values.image)
                  : '',
              }
            : false,
          registrationToken: Boolean(secret),
        },
        plan,
      },
      async () => {
        for (const { object, step } of toApply.filter(
          a => a.step !== 'helmrelease',
        )) {
          await ctx.checkpoint({
            key: `runway.gke.${where}/${name}.${step}`,
            fn: async () => {
              await kube.apply(object);
            },
          });
        }
        if (!secret) {
          await ctx.checkpoint({
            key: `runway.gke.${where}/${name}.registration-token`,
            fn: async () => {
              // Made here and sent once: never logged, returned or kept in the task's state.
              const token = randomBytes(32).toString('base64url');
              const created = await kube.createIfAbsent(
                renderSecret(manifest, target, token),
              );
              ctx.logger.info(
                created
                  ? `Created Secret ${target.namespace}/${secretName} with a new registration token`
                  : `Secret ${target.namespace}/${secretName} exists; kept its token`,
              );
            },
          });
        }
        if (failed) {
          requestedAt = await ctx.checkpoint({
            key: `runway.gke.${where}/${name}.retry.${
              failed.lastTransitionTime ?? ''
            }`,
            fn: async () => {
              const at = new Date().toISOString();
              await kube.annotate(objects.helmRelease, {
                [RECONCILE_REQUESTED]: at,
              });
              return at;
            },
          });
        }
        const helmRelease = toApply.find(a => a.step === 'helmrelease');
        if (helmRelease) {
          await ctx.checkpoint({
            key: `runway.gke.${where}/${name}.helmrelease.${target.release}`,
            fn: async () => {
              await kube.apply(helmRelease.object);
            },
          });
        }
        return { applied: plan };
      },
    );
  } else {
    ctx.logger.info(`${name} on ${where} is as asked; nothing to apply`);
  }

  await waitForRelease(ctx, kube, objects.helmRelease, config, requestedAt);
  await waitForPods(
    ctx,
    kube,
    target.namespace,
    name,
    values.canary.enabled,
    config,
  );
  return result;
}

async function waitForRelease(
  ctx: StepContext,
  kube: RunwayCluster,
  header: HelmRelease,
  config: RunwayActionsConfig,
  requestedAt?: string,
) {
  const { namespace, name } = header.metadata;
  let last = '';
  await pollUntil(
    async () => {
      const hr = await kube.read<
        HelmRelease & { metadata: { generation?: number } }
      >(header);
      if (!hr) {
        throw new ServiceUnavailableError(
          `HelmRelease ${namespace}/${name} disappeared from cluster ${kube.name}; run the task again`,
        );
      }
      const ready = hr.status?.conditions?.find(c => c.type === 'Ready');
      const current =
        (hr.status?.observedGeneration ?? 0) >= (hr.metadata.generation ?? 1) &&
        (!requestedAt || hr.status?.lastHandledReconcileAt === requestedAt);
      if (current && ready?.status === 'True') {
        ctx.logger.info(
          `HelmRelease ${namespace}/${name}: ${ready.message ?? 'Ready'}`,
        );
        return true;
      }
      if (current && ready?.status === 'False') {
        throw new ServiceUnavailableError(
          `HelmRelease ${namespace}/${name} on cluster ${kube.name} failed (${
            ready.reason ?? 'no reason'
          }): ${
            ready.message ?? 'Flux gave no message'
          }. Fix the cause and run the task again; it asks Flux to retry`,
        );
      }
      const state = `${ready?.reason ?? 'waiting for Flux'}`;
      if (state !== last) {
        last = state;
        ctx.logger.info(`HelmRelease ${namespace}/${name}: ${state}`);
      }
      return undefined;
    },
    {
      timeoutMs: config.rolloutTimeoutMs,
      signal: ctx.signal,
      onTimeout: () =>
        new ServiceUnavailableError(
          `HelmRelease ${namespace}/${name} on cluster ${
            kube.name
          } was not Ready after ${Math.round(
            config.rolloutTimeoutMs / 60_000,
          )} min (last: ${
            last || 'no status'
          }); run the task again to keep waiting`,
        ),
    },
  );
}

async function waitForPods(
  ctx: StepContext,
  kube: RunwayCluster,
  namespace: string,
  name: string,
  canary: boolean,
  config: RunwayActionsConfig,
) {
  const names = canary ? [name, `${name}-canary`] : [name];
  let last = '';
  await pollUntil(
    async () => {
      const progress: string[] = [];
      let done = true;
      for (const n of names) {
        const d = await kube.read<Deployment>({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: n, namespace },
        });
        const want = d?.spec?.replicas ?? 1;
        const ready = d?.status?.readyReplicas ?? 0;
        const updated = d?.status?.updatedReplicas ?? 0;
        const current =
          !!d &&
          (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
        if (!current || ready < want || updated < want) done = false;
        progress.push(`${n} ${d ? `${ready}/${want}` : 'not rendered yet'}`);
      }
      const line = `pods ready: ${progress.join(', ')}`;
      if (line !== last) {
        last = line;
        ctx.logger.info(line);
      }
      return done ? true : undefined;
    },
    {
      timeoutMs: config.rolloutTimeoutMs,
      signal: ctx.signal,
      onTimeout: () =>
        new ServiceUnavailableError(
          `${namespace}/${name} on cluster ${
            kube.name
          } did not roll out in ${Math.round(
            config.rolloutTimeoutMs / 60_000,
          )} min (${last}); run the task again to keep waiting`,
        ),
    },
  );
}
