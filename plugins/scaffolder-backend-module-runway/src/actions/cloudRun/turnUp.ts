import { createHash } from 'node:crypto';
import type { AuditorService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CloudRunService,
  CloudRunServiceRef,
  CloudRunServiceSpec,
  CloudRunTrafficTarget,
  RUNWAY_CLOUD_RUN_LABELS,
  RunwayCloudRunManifest,
  runwayRolloutSteps,
} from '@groundcrew/plugin-infra-common';
import { audited, GcpService } from '@groundcrew/plugin-infra-node';
import yaml from 'yaml';
import type { RunwayActionsConfig } from '../../config';
import { formatImage, ImageRef } from '../image';
import { StepContext } from '../step';

const RUN_API = 'run.googleapis.com';
/** Cloud Run labels: lower-case keys and values of letters, digits, `_` and `-`. */
export const RUN_LABELS = RUNWAY_CLOUD_RUN_LABELS;
/** A digest of what Groundcrew asked for, so a re-run can tell "as asked" without env values. */
const SPEC_HASH = 'groundcrew.io/spec-hash';

export interface CloudRunTarget {
  projectId: string;
  /** The owner group's name. */
  owner: string;
  stage: string;
  release: string;
  image: ImageRef;
}

export interface CloudRunTurnUpResult {
  plan: string[];
  urls: string[];
  canaryPercent: number;
}

function probe(
  p: RunwayCloudRunManifest['spec']['startup_probe'],
  port: number,
) {
  if (!p) return undefined;
  return {
    httpGet: { path: p.path, port },
    initialDelaySeconds: p.initial_delay_seconds,
    periodSeconds: p.period_seconds,
    failureThreshold: p.failure_threshold,
    ...(p.timeout_seconds !== undefined
      ? { timeoutSeconds: p.timeout_seconds }
      : {}),
  };
}

/** The revision template and labels a manifest asks for (traffic is decided per region). */
export function renderTemplate(
  manifest: RunwayCloudRunManifest,
  target: CloudRunTarget,
  revision: string,
): Omit<CloudRunServiceSpec, 'traffic'> {
  const { name } = manifest.metadata;
  const { spec } = manifest;
  const env = Object.entries(spec.environment_variables ?? {}).sort(
    ([a], [b]) => a.localeCompare(b),
  );
  const labels = {
    [RUN_LABELS.service]: name,
    [RUN_LABELS.stage]: target.stage,
    [RUN_LABELS.release]: target.release,
    [RUN_LABELS.owner]: target.owner,
    [RUN_LABELS.managedBy]: 'groundcrew',
  };
  const startupProbe = probe(spec.startup_probe, spec.container_port);
  const livenessProbe = probe(spec.liveness_probe, spec.container_port);
  const template: CloudRunServiceSpec['template'] = {
    revision,
    image: formatImage(target.image),
    containerPort: spec.container_port,
    // Plain values only: a Vault reference stays a reference, in an annotation the Vault
    // integration of the runtime resolves; no secret value is ever sent to Cloud Run.
    env: env.flatMap(([n, v]) =>
      v.value !== undefined ? [{ name: n, value: v.value }] : [],
    ),
    resources: {
      cpu: spec.resources.limits.cpu,
      memory: spec.resources.limits.memory,
    },
    minInstances: spec.scalability.min_instances,
    maxInstances:
      spec.scalability.max_instances ??
      Math.max(spec.scalability.min_instances, 100),
    ...(startupProbe ? { startupProbe } : {}),
    ...(livenessProbe ? { livenessProbe } : {}),
    labels,
    annotations: Object.fromEntries(
      env.flatMap(([n, v]) =>
        v.vault
          ? [[`groundcrew.io/vault-${n}`, `${v.vault.path}#${v.vault.key}`]]
          : [],
      ),
    ),
  };
  // The revision name is left out: a retry of a failed revision is the same ask.
  const hash = createHash('sha256')
    .update(JSON.stringify({ labels, template: { ...template, revision: '' } }))
    .digest('hex')
    .slice(0, 16);
  return { labels, annotations: { [SPEC_HASH]: hash }, template };
}

/**
 * The revision name of this release in one region: `<service>-<release>`, or the one a healthy
 * earlier run made. A revision Cloud Run could not start cannot be deployed again under its name,
 * so a re-run deploys `<service>-<release>-r2` (`-r3`, …) instead.
 */
export function revisionFor(
  base: string,
  existing: CloudRunService | undefined,
): { revision: string; failed?: string } {
  const current = existing?.template.revision;
  if (!current) return { revision: base };
  // Names are lower-case letters, digits and hyphens: no pattern characters to escape.
  const retry = new RegExp(`^${base}-r(\\d+)$`).exec(current);
  if (current !== base && !retry) return { revision: base };
  if (existing!.ready && existing!.latestReadyRevision === current) {
    return { revision: current };
  }
  const n = retry ? Number(retry[1]) + 1 : 2;
  return { revision: `${base}-r${n}`, failed: current };
}

/** The revision serving most of the traffic now: the stable one a canary is split from. */
function stableRevision(
  service: CloudRunService,
  failed?: string,
): string | undefined {
  const served = service.trafficStatuses
    .filter(t => t.percent > 0 && t.revision !== failed)
    .sort((a, b) => b.percent - a.percent)[0];
  if (served?.type === 'REVISION' && served.revision) return served.revision;
  return service.latestReadyRevision === failed
    ? undefined
    : service.latestReadyRevision;
}

/**
 * The traffic a turn-up asks for: everything to the first revision; a new release over a serving
 * one at the first rollout step (unless expedited); a release already out keeps the split it was
 * stepped to.
 */
export function trafficFor(
  manifest: RunwayCloudRunManifest,
  revision: string,
  existing: CloudRunService | undefined,
  failed?: string,
): CloudRunTrafficTarget[] {
  const all: CloudRunTrafficTarget[] = [
    { type: 'REVISION', revision, percent: 100 },
  ];
  if (!existing) return all;
  if (existing.template.revision === revision) return existing.traffic;
  const stable = stableRevision(existing, failed);
  const [first] = runwayRolloutSteps(manifest);
  if (!stable || stable === revision || first >= 100) return all;
  return [
    { type: 'REVISION', revision: stable, percent: 100 - first },
    { type: 'REVISION', revision, percent: first },
  ];
}

function sameTraffic(a: CloudRunTrafficTarget[], b: CloudRunTrafficTarget[]) {
  const key = (t: CloudRunTrafficTarget) =>
    `${t.type}:${t.revision ?? ''}:${t.percent}:${t.tag ?? ''}`;
  return a.map(key).sort().join() === b.map(key).sort().join();
}

function describeTraffic(traffic: CloudRunTrafficTarget[]): string {
  return traffic
    .map(
      t =>
        `${t.percent}% to ${t.type === 'LATEST' ? 'the latest' : t.revision}`,
    )
    .join(', ');
}

/**
 * A Runway service on Cloud Run, one service per region of the manifest: created with its first
 * revision at 100 %, or updated with a new revision and the traffic split of the first rollout
 * step. Read first; a region already as asked is not written.
 */
export async function turnUpOnCloudRun(options: {
  ctx: StepContext;
  gcp: GcpService;
  auditor: AuditorService;
  config: RunwayActionsConfig;
  manifest: RunwayCloudRunManifest;
  target: CloudRunTarget;
  actor: string;
}): Promise<CloudRunTurnUpResult> {
  const { ctx, gcp, auditor, config, manifest, target, actor } = options;
  const { name } = manifest.metadata;
  const { projectId } = target;

  const project = await gcp.getProject(projectId);
  if (!project || project.state !== 'ACTIVE') {
    throw new InputError(
      `projectId: ${projectId} does not exist or Groundcrew may not see it`,
    );
  }
  const offered = gcp.regions();
  manifest.spec.regions.forEach((region, i) => {
    if (!offered.includes(region)) {
      throw new InputError(
        `manifest: spec.regions[${i}] ${region} is not one of the regions offered (${offered.join(
          ', ',
        )})`,
      );
    }
  });
  if (!(await gcp.listEnabledServices(projectId)).includes(RUN_API)) {
    throw new InputError(
      `projectId: the Cloud Run Admin API (${RUN_API}) is not enabled on ${projectId}; enable it (the GCP project template can) and run again`,
    );
  }
  const base = `${name}-${target.release}`;
  if (base.length > 60) {
    throw new InputError(
      `release: the revision name ${base} (and its retries, -r2…) would be longer than Cloud Run's 63 characters; choose a shorter release`,
    );
  }

  const regions: Array<{
    ref: CloudRunServiceRef;
    existing?: CloudRunService;
    spec: CloudRunServiceSpec;
    revision: string;
    step?: string;
  }> = [];
  for (const location of manifest.spec.regions) {
    const ref = { projectId, location, name };
    const existing = await gcp.getRunService(ref);
    if (existing) {
      const owner = existing.labels[RUN_LABELS.owner];
      if (owner && owner !== target.owner) {
        throw new ConflictError(
          `manifest: Cloud Run service ${name} in ${projectId}/${location} belongs to ${owner}, not ${target.owner}; choose another name`,
        );
      }
      if (!owner && existing.labels[RUN_LABELS.managedBy] !== 'groundcrew') {
        throw new ConflictError(
          `manifest: Cloud Run service ${name} already exists in ${projectId}/${location} and Groundcrew does not manage it; choose another name`,
        );
      }
    }
    const { revision, failed } = revisionFor(base, existing);
    const desired = renderTemplate(manifest, target, revision);
    const spec = {
      ...desired,
      traffic: trafficFor(manifest, revision, existing, failed),
    };
    const same =
      existing &&
      existing.annotations[SPEC_HASH] === desired.annotations![SPEC_HASH] &&
      existing.template.revision === revision &&
      sameTraffic(existing.traffic, spec.traffic);
    let step: string | undefined;
    if (!existing) {
      step = `create Cloud Run service ${name} in ${projectId}/${location}: revision ${revision} (${formatImage(
        target.image,
      )}), 100% of the traffic`;
    } else if (failed) {
      step = `deploy Cloud Run service ${name} in ${projectId}/${location} again as revision ${revision} (${failed} did not start): ${describeTraffic(
        spec.traffic,
      )}`;
    } else if (!same) {
      step = `update Cloud Run service ${name} in ${projectId}/${location}: revision ${revision} (${formatImage(
        target.image,
      )}), ${describeTraffic(spec.traffic)}`;
    }
    regions.push({ ref, existing, spec, revision, step });
  }
  const plan = regions.flatMap(r => (r.step ? [r.step] : []));
  const first = regions[0];
  const canaryPercent =
    first && first.spec.traffic.length > 1
      ? first.spec.traffic.find(t => t.revision === first.revision)?.percent ??
        0
      : 0;

  if (ctx.isDryRun) {
    ctx.logger.info(
      `Dry run, nothing changed. Plan:\n  - ${
        plan.join('\n  - ') || 'nothing to change'
      }\nService (each region):\n${yaml.stringify(first?.spec)}`,
    );
    return {
      plan,
      urls: regions.flatMap(r => (r.existing?.uri ? [r.existing.uri] : [])),
      canaryPercent,
    };
  }

  const wait = {
    onProgress: (m: string) => ctx.logger.info(`${name}: ${m}`),
    timeoutMs: config.cloudRunTimeoutMs,
    signal: ctx.signal,
  };
  const done: CloudRunService[] = [];
  const apply = async () => {
    for (const r of regions) {
      if (!r.step) {
        done.push(r.existing!);
        continue;
      }
      const where = `${projectId}/${r.ref.location}`;
      await ctx.checkpoint({
        key: `runway.run.${where}/${name}.${r.revision}`,
        fn: async () => {
          // Read again: a run killed half-way may have made it.
          const now = await gcp.getRunService(r.ref);
          if (!now) {
            await gcp.createRunService(r.ref, r.spec, wait);
          } else if (
            now.annotations[SPEC_HASH] !== r.spec.annotations![SPEC_HASH] ||
            now.template.revision !== r.revision ||
            !sameTraffic(now.traffic, r.spec.traffic)
          ) {
            await gcp.updateRunService(r.ref, r.spec, wait);
          }
        },
      });
      const service = await gcp.getRunService(r.ref);
      if (!service) {
        throw new ServiceUnavailableError(
          `Cloud Run service ${name} disappeared from ${where} while it was being turned up; run the task again`,
        );
      }
      if (!service.ready || service.latestReadyRevision !== r.revision) {
        throw new ServiceUnavailableError(
          `Cloud Run service ${name} in ${where}: revision ${
            r.revision
          } is not ready (${
            service.conditionMessage ?? 'Cloud Run gave no reason'
          }); run the task again`,
        );
      }
      ctx.logger.info(
        `Cloud Run service ${name} in ${where} serves ${describeTraffic(
          service.traffic,
        )} at ${service.uri}`,
      );
      done.push(service);
    }
    return { services: done.map(s => s.uri) };
  };

  if (plan.length) {
    ctx.logger.info(`Plan for ${name}:\n  - ${plan.join('\n  - ')}`);
    await audited(
      auditor,
      {
        eventId: 'runway-service-create',
        actor,
        target: `projects/${projectId}/services/${name}`,
        before: Object.fromEntries(
          regions.map(r => [
            r.ref.location,
            r.existing
              ? {
                  revision: r.existing.template.revision ?? '',
                  traffic: describeTraffic(r.existing.traffic),
                }
              : false,
          ]),
        ),
        plan,
      },
      apply,
    );
  } else {
    ctx.logger.info(`${name} on Cloud Run is as asked; nothing to change`);
    await apply();
  }
  return { plan, urls: done.map(s => s.uri), canaryPercent };
}
