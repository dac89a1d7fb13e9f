import { createHash } from 'node:crypto';
import {
  encodeEnum,
  EnumStyle,
  LAUNCH_STAGE,
  RUN_CONDITION_SEVERITY,
  RUN_CONDITION_STATE,
  RUN_INGRESS,
  RUN_TRAFFIC_TYPE,
} from './enums';
import { operationErrorStatus } from './render';
import type {
  OperationRecord,
  ProjectRecord,
  RunContainerRecord,
  RunProbeRecord,
  RunReadyState,
  RunRevisionRecord,
  RunServiceRecord,
  RunTemplateRecord,
  RunTrafficRecord,
} from './types';

/*
 * Cloud Run Admin API v2 resources as the REST API answers them
 * (googleapis google/cloud/run/v2/service.proto, revision.proto,
 * revision_template.proto, k8s.min.proto, condition.proto,
 * traffic_target.proto): proto3 JSON, int64 as strings, enums as the request
 * asked, and a google.longrunning.Operation whose metadata and response are
 * the Service (`@type` google.cloud.run.v2.Service).
 */

const SERVICE_TYPE = 'type.googleapis.com/google.cloud.run.v2.Service';

/**
 * Cloud Run's short region codes in `*.a.run.app` URLs. Not documented as a
 * table; these are the codes seen in public URLs, and a made-up two-letter
 * code for the others.
 */
const REGION_CODES: Record<string, string> = {
  'asia-east1': 'de',
  'asia-northeast1': 'an',
  'asia-southeast1': 'as',
  'australia-southeast1': 'ts',
  'europe-north1': 'lz',
  'europe-west1': 'ew',
  'europe-west2': 'nw',
  'europe-west3': 'ey',
  'europe-west4': 'ez',
  'northamerica-northeast1': 'nn',
  'southamerica-east1': 'rj',
  'us-central1': 'uc',
  'us-east1': 'ue',
  'us-east4': 'uk',
  'us-west1': 'uw',
  'us-west2': 'wl',
};

export function runServicePath(s: {
  project: string;
  location: string;
  name: string;
}): string {
  return `projects/${s.project}/locations/${s.location}/services/${s.name}`;
}

export function runRevisionPath(
  s: { project: string; location: string; name: string },
  revision: string,
): string {
  return `${runServicePath(s)}/revisions/${revision}`;
}

/** `https://<service>-<hash>-<region code>.a.run.app` */
export function runServiceUri(s: RunServiceRecord): string {
  const code =
    REGION_CODES[s.location] ??
    s.location
      .split('-')
      .map(w => w[0])
      .join('')
      .slice(0, 2);
  return `https://${s.name}-${s.urlHash}-${code}.a.run.app`;
}

/** The URL a traffic tag gets: `https://<tag>---<service>-<hash>-<code>.a.run.app`. */
function tagUri(s: RunServiceRecord, tag: string): string {
  return runServiceUri(s).replace('https://', `https://${tag}---`);
}

function quotedEtag(key: string, generation: number): string {
  return `"${createHash('sha1')
    .update(`${key}:${generation}`)
    .digest('base64url')
    .slice(0, 22)}"`;
}

/** Proto3 JSON leaves out empty maps, lists, zero numbers and empty strings. */
function nonEmpty<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || v === 0 || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).length === 0
    ) {
      continue;
    }
    out[k] = v;
  }
  return out as Partial<T>;
}

function renderProbe(p: RunProbeRecord | undefined) {
  return p ? nonEmpty({ ...p }) : undefined;
}

function renderContainer(c: RunContainerRecord) {
  return nonEmpty({
    name: c.name,
    image: c.image,
    command: c.command,
    args: c.args,
    env: c.env.map(e => nonEmpty({ name: e.name, value: e.value })),
    resources: { limits: c.limits, cpuIdle: true },
    ports: c.ports.map(p => nonEmpty({ ...p })),
    startupProbe: renderProbe(c.startupProbe),
    livenessProbe: renderProbe(c.livenessProbe),
  });
}

export function renderRunTemplate(t: RunTemplateRecord & { revision: string }) {
  return nonEmpty({
    revision: t.revision,
    labels: t.labels,
    annotations: t.annotations,
    scaling: nonEmpty({
      minInstanceCount: t.minInstanceCount,
      maxInstanceCount: t.maxInstanceCount,
    }),
    timeout: t.timeout,
    serviceAccount: t.serviceAccount,
    containers: t.containers.map(renderContainer),
    maxInstanceRequestConcurrency: t.maxInstanceRequestConcurrency,
  });
}

function renderTraffic(t: RunTrafficRecord, style: EnumStyle) {
  return nonEmpty({
    type: encodeEnum(
      RUN_TRAFFIC_TYPE,
      `TRAFFIC_TARGET_ALLOCATION_TYPE_${t.type}`,
      style,
    ),
    revision: t.revision,
    percent: t.percent,
    tag: t.tag,
  });
}

const CONDITION_STATE: Record<RunReadyState, keyof typeof RUN_CONDITION_STATE> =
  {
    RECONCILING: 'CONDITION_RECONCILING',
    SUCCEEDED: 'CONDITION_SUCCEEDED',
    FAILED: 'CONDITION_FAILED',
  };

function condition(
  type: string,
  ready: RunReadyState,
  message: string,
  time: string,
  style: EnumStyle,
) {
  return nonEmpty({
    type,
    state: encodeEnum(RUN_CONDITION_STATE, CONDITION_STATE[ready], style),
    message: ready === 'FAILED' ? message : '',
    lastTransitionTime: time,
    severity:
      ready === 'FAILED'
        ? encodeEnum(RUN_CONDITION_SEVERITY, 'ERROR', style)
        : undefined,
  });
}

export function renderRunService(
  s: RunServiceRecord,
  project: ProjectRecord | undefined,
  style: EnumStyle,
) {
  const uri = runServiceUri(s);
  return nonEmpty({
    name: runServicePath(s),
    description: s.description,
    uid: s.uid,
    generation: String(s.generation),
    labels: s.labels,
    annotations: s.annotations,
    createTime: s.createTime,
    updateTime: s.updateTime,
    creator: s.creator,
    lastModifier: s.lastModifier,
    ingress: encodeEnum(
      RUN_INGRESS,
      s.ingress as keyof typeof RUN_INGRESS,
      style,
    ),
    launchStage: encodeEnum(LAUNCH_STAGE, 'GA', style),
    template: renderRunTemplate(s.template),
    traffic: s.traffic.map(t => renderTraffic(t, style)),
    urls: [
      `https://${s.name}-${project?.number ?? s.project}.${s.location}.run.app`,
      uri,
    ],
    observedGeneration: String(s.observedGeneration),
    terminalCondition: condition(
      'Ready',
      s.ready,
      s.conditionMessage,
      s.lastTransitionTime,
      style,
    ),
    conditions: [
      condition(
        'RoutesReady',
        s.ready,
        s.conditionMessage,
        s.lastTransitionTime,
        style,
      ),
      condition(
        'ConfigurationsReady',
        s.ready,
        s.conditionMessage,
        s.lastTransitionTime,
        style,
      ),
    ],
    latestReadyRevision: s.latestReadyRevision
      ? runRevisionPath(s, s.latestReadyRevision)
      : '',
    latestCreatedRevision: s.latestCreatedRevision
      ? runRevisionPath(s, s.latestCreatedRevision)
      : '',
    trafficStatuses: s.trafficStatuses.map(t => ({
      ...renderTraffic(t, style),
      ...(t.tag ? { uri: tagUri(s, t.tag) } : {}),
    })),
    uri,
    reconciling: s.ready === 'RECONCILING' || s.deleting === true,
    etag: quotedEtag(runServicePath(s), s.generation),
  });
}

export function renderRunRevision(
  service: { project: string; location: string; name: string },
  r: RunRevisionRecord,
  style: EnumStyle,
) {
  const t = renderRunTemplate({ ...r.template, revision: '' });
  return nonEmpty({
    name: runRevisionPath(service, r.name),
    uid: r.uid,
    generation: '1',
    labels: r.template.labels,
    annotations: r.template.annotations,
    createTime: r.createTime,
    updateTime: r.createTime,
    launchStage: encodeEnum(LAUNCH_STAGE, 'GA', style),
    service: runServicePath(service),
    scaling: t.scaling,
    maxInstanceRequestConcurrency: t.maxInstanceRequestConcurrency,
    timeout: t.timeout,
    serviceAccount: t.serviceAccount,
    containers: t.containers,
    reconciling: r.ready === 'RECONCILING',
    conditions: [
      condition('Ready', r.ready, r.conditionMessage, r.createTime, style),
      condition(
        'ContainerHealthy',
        r.ready,
        r.conditionMessage,
        r.createTime,
        style,
      ),
      condition('ResourcesAvailable', r.ready, '', r.createTime, style),
    ],
    observedGeneration: '1',
    logUri: `https://console.cloud.google.com/logs/viewer?project=${service.project}&resource=cloud_run_revision/service_name/${service.name}/revision_name/${r.name}`,
    creator: r.creator,
    etag: quotedEtag(runRevisionPath(service, r.name), 1),
  });
}

/**
 * A google.longrunning.Operation of Cloud Run: metadata is the Service as it
 * is now; when done, `error`, or `response` (the Service; for a delete, the
 * Service as it was).
 */
export function renderRunOperation(
  op: OperationRecord,
  service: RunServiceRecord | undefined,
  project: ProjectRecord | undefined,
  style: EnumStyle,
) {
  const s = service ?? op.runServiceSnapshot;
  const rendered = s
    ? { '@type': SERVICE_TYPE, ...renderRunService(s, project, style) }
    : { '@type': SERVICE_TYPE };
  const out: Record<string, unknown> = { name: op.name, metadata: rendered };
  if (!op.done) return out;
  out.done = true;
  if (op.outcome === 'fail') out.error = operationErrorStatus(op);
  else out.response = rendered;
  return out;
}
