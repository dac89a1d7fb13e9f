import { randomBytes } from 'node:crypto';
import {
  GcpApi,
  GcpCall,
  GcpRoute,
  isObject,
  page,
  readJson,
  send,
} from './api';
import { requireActiveProject, requireServiceEnabled } from './access';
import { decodeEnum, RUN_INGRESS, RUN_TRAFFIC_TYPE } from './enums';
import { FieldViolation, gcpError, invalidArgument } from './errors';
import {
  renderRunOperation,
  renderRunRevision,
  renderRunService,
  runRevisionPath,
  runServicePath,
} from './runRender';
import { newUid, nowIso } from './store';
import type {
  OperationKind,
  OperationRecord,
  ProjectRecord,
  RunContainerRecord,
  RunProbeRecord,
  RunRevisionRecord,
  RunServiceRecord,
  RunTemplateRecord,
  RunTrafficRecord,
} from './types';
import { labelViolations, REGIONS } from './validation';

/*
 * Cloud Run Admin API v2, services and revisions
 * (googleapis google/cloud/run/v2/service.proto, revision.proto), as
 * @google-cloud/run's ServicesClient / RevisionsClient call it in REST mode.
 * Create, update (PATCH, with updateMask and allowMissing) and delete are
 * google.longrunning operations `projects/*\/locations/*\/operations/<uuid>`
 * whose metadata and response are the Service. Every create / update whose
 * template changed makes a Revision (named by `template.revision`, or
 * `<service>-<5 digits>-<3 letters>`); the operation's end makes it ready and
 * moves the traffic, or (a failing operation) leaves the revision and the
 * service failed and the traffic where it was.
 */

const SERVICE = 'run.googleapis.com';
const RUN_KINDS: OperationKind[] = [
  'createRunService',
  'updateRunService',
  'deleteRunService',
];

/** Service ids: lowercase letters, digits, hyphens; starts with a letter; fewer than 50 characters. */
const SERVICE_ID_RE = /^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/;
/** Revision names: a DNS label (at most 63), prefixed by `<service>-`. */
const REVISION_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Traffic tags: a DNS label short enough for `<tag>---<service>…`. */
const TAG_RE = /^[a-z]([-a-z0-9]{0,44}[a-z0-9])?$/;

function projectFor(api: GcpApi, call: GcpCall, permission: string) {
  const id = call.ctx.params.project;
  const p = requireActiveProject(
    api,
    call,
    id,
    `Permission '${permission}' denied on resource 'projects/${id}/locations/${call.ctx.params.location}' (or it may not exist).`,
  );
  requireServiceEnabled(p, SERVICE);
  return p;
}

function locationOf(call: GcpCall, allowAll = false): string {
  const location = call.ctx.params.location;
  if ((allowAll && location === '-') || REGIONS.includes(location)) {
    return location;
  }
  throw invalidArgument(
    [
      {
        field: 'parent',
        description: `Location '${location}' is not a valid Cloud Run region.`,
      },
    ],
    `Location '${location}' is not a valid Cloud Run region.`,
  );
}

function ref(p: ProjectRecord, location: string, name: string) {
  return { project: p.projectId, location, name };
}

function notFound(path: string) {
  return gcpError('NOT_FOUND', `Resource '${path}' was not found`);
}

function findService(
  api: GcpApi,
  call: GcpCall,
  p: ProjectRecord,
  location: string,
): RunServiceRecord {
  const name = call.ctx.params.service;
  const s = api.store.runService(p.projectId, location, name);
  if (!s) throw notFound(runServicePath(ref(p, location, name)));
  return s;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(x => String(x)) : [];
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

function probeOf(v: unknown): RunProbeRecord | undefined {
  if (!isObject(v)) return undefined;
  const out: RunProbeRecord = {};
  for (const k of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'failureThreshold',
  ] as const) {
    const n = int(v[k]);
    if (n !== undefined) out[k] = n;
  }
  if (isObject(v.httpGet)) {
    out.httpGet = {
      ...(typeof v.httpGet.path === 'string' ? { path: v.httpGet.path } : {}),
      ...(int(v.httpGet.port) ? { port: int(v.httpGet.port) } : {}),
    };
  }
  if (isObject(v.tcpSocket)) {
    out.tcpSocket = int(v.tcpSocket.port)
      ? { port: int(v.tcpSocket.port) }
      : {};
  }
  if (isObject(v.grpc)) {
    out.grpc = {
      ...(int(v.grpc.port) ? { port: int(v.grpc.port) } : {}),
      ...(typeof v.grpc.service === 'string' && v.grpc.service
        ? { service: v.grpc.service }
        : {}),
    };
  }
  return out;
}

/**
 * The template of a request, with Cloud Run's defaults: port 8080 (`http1`),
 * 1 CPU / 512Mi, at most 100 instances, 300 s timeout, 80 concurrent
 * requests, the project's default compute service account, and a TCP
 * startup probe on the container port.
 */
function templateOf(
  raw: unknown,
  p: ProjectRecord,
  violations: FieldViolation[],
): RunTemplateRecord & { revision: string } {
  if (!isObject(raw)) {
    violations.push({
      field: 'service.template',
      description: 'template must be specified.',
    });
  }
  const t: Record<string, unknown> = isObject(raw) ? raw : {};
  const rawContainers = Array.isArray(t.containers) ? t.containers : [];
  if (rawContainers.length === 0) {
    violations.push({
      field: 'service.template.containers',
      description: 'At least one container must be specified.',
    });
  }
  const containers = rawContainers.map((rc: unknown, i): RunContainerRecord => {
    const c = isObject(rc) ? rc : {};
    const field = `service.template.containers[${i}]`;
    if (typeof c.image !== 'string' || !c.image) {
      violations.push({
        field: `${field}.image`,
        description: 'image must be specified.',
      });
    }
    const env = (Array.isArray(c.env) ? c.env : []).map((re: unknown, j) => {
      const e = isObject(re) ? re : {};
      if (typeof e.name !== 'string' || !/^[^=]+$/.test(e.name)) {
        violations.push({
          field: `${field}.env[${j}].name`,
          description: 'env name must be specified and must not contain "=".',
        });
      }
      return { name: String(e.name ?? ''), value: String(e.value ?? '') };
    });
    const names = env.map(e => e.name);
    names.forEach((n, j) => {
      if (names.indexOf(n) !== j) {
        violations.push({
          field: `${field}.env[${j}].name`,
          description: `Environment variable "${n}" is set more than once.`,
        });
      }
    });
    const rawPorts = Array.isArray(c.ports) ? c.ports : [];
    const defaultPorts =
      i === 0 ? [{ name: 'http1', containerPort: 8080 }] : [];
    const ports = rawPorts.length
      ? rawPorts.map((rp: unknown) => {
          const port = isObject(rp) ? rp : {};
          return {
            name:
              typeof port.name === 'string' && port.name ? port.name : 'http1',
            containerPort: int(port.containerPort) ?? 8080,
          };
        })
      : defaultPorts;
    for (const port of ports) {
      if (port.containerPort < 1 || port.containerPort > 65535) {
        violations.push({
          field: `${field}.ports.container_port`,
          description: `container_port must be between 1 and 65535, got ${port.containerPort}.`,
        });
      }
    }
    const resources = isObject(c.resources) ? c.resources : {};
    const limits = {
      cpu: '1000m',
      memory: '512Mi',
      ...stringMap(resources.limits),
    };
    const containerPort = ports[0]?.containerPort ?? 8080;
    return {
      name: typeof c.name === 'string' ? c.name : '',
      image: String(c.image ?? ''),
      command: strings(c.command),
      args: strings(c.args),
      env,
      limits,
      ports,
      startupProbe:
        probeOf(c.startupProbe) ??
        (i === 0
          ? {
              timeoutSeconds: 240,
              periodSeconds: 240,
              failureThreshold: 1,
              tcpSocket: { port: containerPort },
            }
          : undefined),
      ...(probeOf(c.livenessProbe)
        ? { livenessProbe: probeOf(c.livenessProbe) }
        : {}),
    };
  });
  const scaling = isObject(t.scaling) ? t.scaling : {};
  const minInstanceCount = int(scaling.minInstanceCount) ?? 0;
  const maxInstanceCount = int(scaling.maxInstanceCount) ?? 100;
  if (
    minInstanceCount < 0 ||
    maxInstanceCount < 1 ||
    minInstanceCount > maxInstanceCount
  ) {
    violations.push({
      field: 'service.template.scaling',
      description: `Scaling needs 0 <= min_instance_count <= max_instance_count and max_instance_count >= 1, got ${minInstanceCount} and ${maxInstanceCount}.`,
    });
  }
  violations.push(...labelViolations(t.labels, 'service.template.labels'));
  return {
    revision: typeof t.revision === 'string' ? t.revision : '',
    labels: stringMap(t.labels),
    annotations: stringMap(t.annotations),
    minInstanceCount,
    maxInstanceCount,
    serviceAccount:
      typeof t.serviceAccount === 'string' && t.serviceAccount
        ? t.serviceAccount
        : `${p.number}-compute@developer.gserviceaccount.com`,
    timeout: typeof t.timeout === 'string' && t.timeout ? t.timeout : '300s',
    maxInstanceRequestConcurrency: int(t.maxInstanceRequestConcurrency) || 80,
    containers,
  };
}

/** The template without its revision name, as a key to compare templates by. */
function templateKey(t: RunTemplateRecord): string {
  const { revision: _ignored, ...rest } = t as RunTemplateRecord & {
    revision?: string;
  };
  return stableJson(rest);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${stableJson(
            (v as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** `<service>-<5 digits>-<3 letters>`, as Cloud Run names revisions. */
function generatedRevisionName(
  api: GcpApi,
  s: { project: string; location: string; name: string },
): string {
  const existing = api.store.state.runRevisions.filter(
    r =>
      r.project === s.project &&
      r.location === s.location &&
      r.service === s.name,
  );
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (;;) {
    const n = existing.length + 1;
    const suffix = Array.from(randomBytes(3))
      .map(b => letters[b % 26])
      .join('');
    const name = `${s.name}-${String(n).padStart(5, '0')}-${suffix}`;
    if (!existing.some(r => r.name === name)) return name;
  }
}

function revisionNameViolations(
  service: string,
  revision: string,
): FieldViolation[] {
  if (!REVISION_RE.test(revision)) {
    return [
      {
        field: 'service.template.revision',
        description: `Revision name '${revision}' is invalid: it must be a DNS label of at most 63 lowercase letters, digits and hyphens.`,
      },
    ];
  }
  if (!revision.startsWith(`${service}-`)) {
    return [
      {
        field: 'service.template.revision',
        description: `Revision name '${revision}' must be prefixed by the name of the enclosing Service ('${service}-').`,
      },
    ];
  }
  return [];
}

/** The traffic of a request; [] means "all to the latest revision". */
function trafficOf(
  raw: unknown,
  revisions: Set<string>,
  violations: FieldViolation[],
): RunTrafficRecord[] {
  const list = Array.isArray(raw) ? raw : [];
  if (list.length === 0) {
    return [{ type: 'LATEST', revision: '', percent: 100, tag: '' }];
  }
  const out = list.map((rt: unknown, i): RunTrafficRecord => {
    const t = isObject(rt) ? rt : {};
    const field = `service.traffic[${i}]`;
    const decoded = decodeEnum(RUN_TRAFFIC_TYPE, t.type ?? 0);
    const revision = typeof t.revision === 'string' ? t.revision : '';
    let type: RunTrafficRecord['type'];
    if (decoded === 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION') {
      type = 'REVISION';
    } else if (decoded === 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST') {
      type = 'LATEST';
    } else {
      // Unspecified: a revision when one is named, else the latest.
      type = revision ? 'REVISION' : 'LATEST';
    }
    if (type === 'REVISION' && !revision) {
      violations.push({
        field: `${field}.revision`,
        description:
          'A traffic target of type TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION must name a revision.',
      });
    } else if (type === 'REVISION' && !revisions.has(revision)) {
      violations.push({
        field: `${field}.revision`,
        description: `Revision '${revision}' referenced in traffic not found.`,
      });
    } else if (type === 'LATEST' && revision) {
      violations.push({
        field: `${field}.revision`,
        description:
          'A traffic target of type TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST must not name a revision.',
      });
    }
    const percent = int(t.percent) ?? 0;
    if (percent < 0 || percent > 100) {
      violations.push({
        field: `${field}.percent`,
        description: `percent must be between 0 and 100, got ${percent}.`,
      });
    }
    const tag = typeof t.tag === 'string' ? t.tag : '';
    if (tag && !TAG_RE.test(tag)) {
      violations.push({
        field: `${field}.tag`,
        description: `Tag '${tag}' is invalid: it must be a DNS label of lowercase letters, digits and hyphens.`,
      });
    }
    return { type, revision, percent, tag };
  });
  const sum = out.reduce((n, t) => n + t.percent, 0);
  if (sum !== 100) {
    violations.push({
      field: 'service.traffic',
      description: `Traffic percentages must add up to 100, got ${sum}.`,
    });
  }
  const tags = out.map(t => t.tag).filter(Boolean);
  tags.forEach((t, i) => {
    if (tags.indexOf(t) !== i) {
      violations.push({
        field: 'service.traffic',
        description: `Tag '${t}' is used more than once.`,
      });
    }
  });
  return out;
}

function runningOperation(api: GcpApi, s: RunServiceRecord) {
  return api.store.state.operations.find(
    o =>
      !o.done &&
      RUN_KINDS.includes(o.kind) &&
      o.project === s.project &&
      o.location === s.location &&
      o.runService === s.name,
  );
}

function requireIdle(api: GcpApi, s: RunServiceRecord) {
  const running = runningOperation(api, s);
  if (running) {
    throw gcpError(
      'ABORTED',
      `Service '${s.name}' is being changed by operation ${running.name}; retry when it is done.`,
    );
  }
}

function sendOperation(api: GcpApi, call: GcpCall, op: OperationRecord) {
  const service = api.store.runService(
    op.project,
    op.location ?? '',
    op.runService ?? '',
  );
  send(
    call,
    renderRunOperation(op, service, api.store.project(op.project), call.style),
  );
}

function startOperation(
  api: GcpApi,
  call: GcpCall,
  kind: OperationKind,
  s: RunServiceRecord,
  revision: string,
) {
  const op = api.operations.start({
    name: `projects/${s.project}/locations/${
      s.location
    }/operations/${newUid()}`,
    kind,
    project: s.project,
    principal: call.principal.member,
    location: s.location,
    runService: s.name,
    ...(revision ? { runRevision: revision } : {}),
  });
  sendOperation(api, call, op);
}

function newRevision(
  s: RunServiceRecord,
  name: string,
  template: RunTemplateRecord,
  creator: string,
): RunRevisionRecord {
  const { revision: _ignored, ...rest } = template as RunTemplateRecord & {
    revision?: string;
  };
  return {
    project: s.project,
    location: s.location,
    service: s.name,
    name,
    uid: newUid(),
    generation: s.generation,
    createTime: nowIso(),
    creator,
    template: rest,
    ready: 'RECONCILING',
    conditionMessage: '',
  };
}

function ingressOf(raw: unknown, fallback: string): string {
  if (raw === undefined || raw === null) return fallback;
  const v = decodeEnum(RUN_INGRESS, raw);
  return !v || v === 'INGRESS_TRAFFIC_UNSPECIFIED' ? fallback : v;
}

/**
 * What a create or update changes: the template (a new revision when it
 * differs from the latest one, or names one that does not exist yet), the
 * traffic, labels, annotations, description, ingress.
 */
function plan(
  api: GcpApi,
  p: ProjectRecord,
  s: RunServiceRecord | undefined,
  id: { location: string; name: string },
  body: Record<string, unknown>,
  mask: string[] | undefined,
) {
  const violations: FieldViolation[] = [];
  const has = (field: string) =>
    !mask || mask.some(m => m === field || m.startsWith(`${field}.`));
  violations.push(...labelViolations(body.labels, 'service.labels'));
  const template =
    s && !has('template')
      ? s.template
      : templateOf(body.template, p, violations);
  const existing = s ? api.store.runRevisions(s) : [];
  const latest = s
    ? existing.find(r => r.name === s.latestCreatedRevision)
    : undefined;
  let revision = '';
  const key = { project: p.projectId, ...id };
  if (template.revision) {
    violations.push(...revisionNameViolations(id.name, template.revision));
    const same = existing.find(r => r.name === template.revision);
    if (same && templateKey(same.template) !== templateKey(template)) {
      throw gcpError(
        'ALREADY_EXISTS',
        `Revision named '${template.revision}' with different configuration already exists.`,
      );
    }
    if (!same) revision = template.revision;
  } else if (
    !latest ||
    latest.ready === 'FAILED' ||
    templateKey(latest.template) !== templateKey(template)
  ) {
    revision = generatedRevisionName(api, key);
  }
  const known = new Set(existing.map(r => r.name));
  if (revision) known.add(revision);
  const traffic =
    s && !has('traffic')
      ? s.traffic
      : trafficOf(body.traffic, known, violations);
  if (violations.length) throw invalidArgument(violations);
  const requested =
    typeof body.description === 'string' ? body.description : '';
  return {
    template,
    revision,
    traffic,
    labels: s && !has('labels') ? s.labels : stringMap(body.labels),
    annotations:
      s && !has('annotations') ? s.annotations : stringMap(body.annotations),
    description: s && !has('description') ? s.description : requested,
    ingress:
      s && !has('ingress')
        ? s.ingress
        : ingressOf(body.ingress, s?.ingress ?? 'INGRESS_TRAFFIC_ALL'),
  };
}

function validateOnly(call: GcpCall): boolean {
  return call.ctx.query.get('validateOnly') === 'true';
}

function create(
  api: GcpApi,
  call: GcpCall,
  p: ProjectRecord,
  location: string,
  name: string,
  body: Record<string, unknown>,
) {
  if (!SERVICE_ID_RE.test(name)) {
    throw invalidArgument([
      {
        field: 'service_id',
        description: `service_id '${name}' is invalid: it must use only lowercase letters, digits and hyphens, begin with a letter, not end with a hyphen, and be fewer than 50 characters.`,
      },
    ]);
  }
  if (api.store.runService(p.projectId, location, name)) {
    throw gcpError('ALREADY_EXISTS', `Resource '${name}' already exists.`);
  }
  const change = plan(api, p, undefined, { location, name }, body, undefined);
  const now = nowIso();
  const s: RunServiceRecord = {
    project: p.projectId,
    location,
    name,
    uid: newUid(),
    description: change.description,
    generation: 1,
    observedGeneration: 1,
    labels: change.labels,
    annotations: change.annotations,
    createTime: now,
    updateTime: now,
    creator: call.principal.member.replace(/^[a-zA-Z]+:/, ''),
    lastModifier: call.principal.member.replace(/^[a-zA-Z]+:/, ''),
    ingress: change.ingress,
    template: change.template,
    traffic: change.traffic,
    trafficStatuses: [],
    latestCreatedRevision: change.revision,
    latestReadyRevision: '',
    ready: 'RECONCILING',
    conditionMessage: '',
    lastTransitionTime: now,
    urlHash: randomBytes(5).toString('hex'),
  };
  if (validateOnly(call)) {
    send(call, renderRunService(s, p, call.style));
    return;
  }
  api.store.state.runServices.push(s);
  api.store.state.runRevisions.push(
    newRevision(s, change.revision, change.template, s.creator),
  );
  startOperation(api, call, 'createRunService', s, change.revision);
}

async function createService(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.services.create');
  const location = locationOf(call);
  const name = call.ctx.query.get('serviceId') ?? '';
  const body = await readJson(call.ctx);
  if (!name) {
    throw invalidArgument([
      { field: 'service_id', description: 'service_id must be specified.' },
    ]);
  }
  create(api, call, p, location, name, body);
}

async function updateService(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.services.update');
  const location = locationOf(call);
  const body = await readJson(call.ctx);
  const s = api.store.runService(
    p.projectId,
    location,
    call.ctx.params.service,
  );
  if (!s) {
    if (call.ctx.query.get('allowMissing') === 'true') {
      create(api, call, p, location, call.ctx.params.service, body);
      return;
    }
    throw notFound(runServicePath(ref(p, location, call.ctx.params.service)));
  }
  if (
    typeof body.etag === 'string' &&
    body.etag &&
    body.etag !== renderRunService(s, p, call.style).etag
  ) {
    throw gcpError(
      'ABORTED',
      `The etag '${body.etag}' does not match the current etag of service '${s.name}'.`,
    );
  }
  requireIdle(api, s);
  const maskParam = call.ctx.query.get('updateMask');
  const mask = maskParam
    ? maskParam
        .split(',')
        .map(m => m.trim())
        .filter(Boolean)
    : undefined;
  const change = plan(api, p, s, s, body, mask);
  if (validateOnly(call)) {
    send(call, renderRunService(s, p, call.style));
    return;
  }
  const now = nowIso();
  s.generation += 1;
  s.updateTime = now;
  s.lastModifier = call.principal.member.replace(/^[a-zA-Z]+:/, '');
  s.labels = change.labels;
  s.annotations = change.annotations;
  s.description = change.description;
  s.ingress = change.ingress;
  s.template = change.template;
  s.traffic = change.traffic;
  s.ready = 'RECONCILING';
  s.conditionMessage = '';
  s.lastTransitionTime = now;
  if (change.revision) {
    s.latestCreatedRevision = change.revision;
    api.store.state.runRevisions.push(
      newRevision(s, change.revision, change.template, s.lastModifier),
    );
  }
  startOperation(api, call, 'updateRunService', s, change.revision);
}

function deleteService(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.services.delete');
  const s = findService(api, call, p, locationOf(call));
  const etag = call.ctx.query.get('etag');
  if (etag && etag !== renderRunService(s, p, call.style).etag) {
    throw gcpError(
      'ABORTED',
      `The etag '${etag}' does not match the current etag of service '${s.name}'.`,
    );
  }
  requireIdle(api, s);
  if (validateOnly(call)) {
    send(call, renderRunService(s, p, call.style));
    return;
  }
  s.deleting = true;
  startOperation(api, call, 'deleteRunService', s, '');
}

function listServices(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.services.list');
  const location = locationOf(call, true);
  const all = api.store.state.runServices
    .filter(
      s =>
        s.project === p.projectId &&
        (location === '-' || s.location === location),
    )
    .sort((a, b) => runServicePath(a).localeCompare(runServicePath(b)));
  const { items, nextPageToken } = page(all, call.ctx.query, {
    defaultSize: 100,
    maxSize: 1000,
  });
  send(call, {
    ...(items.length
      ? { services: items.map(s => renderRunService(s, p, call.style)) }
      : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  });
}

function listRevisions(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.revisions.list');
  const s = findService(api, call, p, locationOf(call));
  const { items, nextPageToken } = page(
    api.store.runRevisions(s),
    call.ctx.query,
    {
      defaultSize: 100,
      maxSize: 1000,
    },
  );
  send(call, {
    ...(items.length
      ? { revisions: items.map(r => renderRunRevision(s, r, call.style)) }
      : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  });
}

function getRevision(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.revisions.get');
  const s = findService(api, call, p, locationOf(call));
  const r = api.store
    .runRevisions(s)
    .find(x => x.name === call.ctx.params.revision);
  if (!r) throw notFound(runRevisionPath(s, call.ctx.params.revision));
  send(call, renderRunRevision(s, r, call.style));
}

function isRunOperation(
  op: OperationRecord,
  p: ProjectRecord,
  location: string,
) {
  return (
    RUN_KINDS.includes(op.kind) &&
    op.project === p.projectId &&
    (location === '-' || op.location === location)
  );
}

function getOperation(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.operations.get');
  const location = locationOf(call);
  const id = call.ctx.params.operation;
  const op = api.store.state.operations.find(
    o => isRunOperation(o, p, location) && o.name.endsWith(`/operations/${id}`),
  );
  if (!op) {
    throw notFound(
      `projects/${p.projectId}/locations/${location}/operations/${id}`,
    );
  }
  sendOperation(api, call, op);
}

function listOperations(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'run.operations.list');
  const location = locationOf(call, true);
  const ops = api.store.state.operations.filter(o =>
    isRunOperation(o, p, location),
  );
  const { items, nextPageToken } = page(ops, call.ctx.query, {
    defaultSize: 100,
    maxSize: 1000,
  });
  send(call, {
    ...(items.length
      ? {
          operations: items.map(op =>
            renderRunOperation(
              op,
              api.store.runService(
                op.project,
                op.location ?? '',
                op.runService ?? '',
              ),
              p,
              call.style,
            ),
          ),
        }
      : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  });
}

function serviceOf(api: GcpApi, op: OperationRecord) {
  return api.store.runService(
    op.project,
    op.location ?? '',
    op.runService ?? '',
  );
}

function revisionOf(
  api: GcpApi,
  s: RunServiceRecord,
  name: string | undefined,
) {
  return name
    ? api.store.runRevisions(s).find(r => r.name === name)
    : undefined;
}

export function registerRunOperations(api: GcpApi) {
  const rollOut = {
    succeed: (op: OperationRecord) => {
      const s = serviceOf(api, op);
      if (!s) throw new Error(`service ${op.runService} is gone`);
      const rev = revisionOf(api, s, op.runRevision);
      if (rev) rev.ready = 'SUCCEEDED';
      const latest = revisionOf(api, s, s.latestCreatedRevision);
      if (latest?.ready === 'SUCCEEDED') {
        s.latestReadyRevision = latest.name;
      }
      s.trafficStatuses = s.traffic.map(t => ({ ...t }));
      s.ready = 'SUCCEEDED';
      s.conditionMessage = '';
      s.observedGeneration = s.generation;
      s.lastTransitionTime = nowIso();
    },
    fail: (op: OperationRecord) => {
      const s = serviceOf(api, op);
      if (!s) return;
      const message = op.error?.message ?? 'the revision failed';
      const rev = revisionOf(api, s, op.runRevision);
      if (rev) {
        rev.ready = 'FAILED';
        rev.conditionMessage = message;
      }
      s.ready = 'FAILED';
      s.conditionMessage = rev
        ? `Revision '${rev.name}' is not ready and cannot serve traffic. ${message}`
        : message;
      s.observedGeneration = s.generation;
      s.lastTransitionTime = nowIso();
    },
  };
  api.operations.on('createRunService', rollOut);
  api.operations.on('updateRunService', rollOut);
  api.operations.on('deleteRunService', {
    succeed: op => {
      const s = serviceOf(api, op);
      if (!s) return;
      op.runServiceSnapshot = JSON.parse(JSON.stringify(s));
      const state = api.store.state;
      state.runServices.splice(state.runServices.indexOf(s), 1);
      state.runRevisions = state.runRevisions.filter(
        r =>
          !(
            r.project === s.project &&
            r.location === s.location &&
            r.service === s.name
          ),
      );
    },
    fail: op => {
      const s = serviceOf(api, op);
      if (s) s.deleting = false;
    },
  });
}

export function runRoutes(api: GcpApi): GcpRoute[] {
  const base = '/v2/projects/{project}/locations/{location}';
  return [
    {
      method: 'POST',
      pattern: `${base}/services`,
      handler: c => createService(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/services`,
      handler: c => listServices(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/services/{service}`,
      handler: c => {
        const p = projectFor(api, c, 'run.services.get');
        const s = findService(api, c, p, locationOf(c));
        send(c, renderRunService(s, p, c.style));
      },
    },
    {
      method: 'PATCH',
      pattern: `${base}/services/{service}`,
      handler: c => updateService(api, c),
    },
    {
      method: 'DELETE',
      pattern: `${base}/services/{service}`,
      handler: c => deleteService(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/services/{service}/revisions`,
      handler: c => listRevisions(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/services/{service}/revisions/{revision}`,
      handler: c => getRevision(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/operations`,
      handler: c => listOperations(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/operations/{operation}`,
      handler: c => getOperation(api, c),
    },
  ];
}
