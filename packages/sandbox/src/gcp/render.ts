import { createHash } from 'node:crypto';
import { encodeEnum, EnumStyle, RESOURCE_STATE, SERVICE_STATE } from './enums';
import { RPC_CODES, isRpcStatus } from './errors';
import { SERVICE_CATALOG } from './services';
import type { GcpStore } from './store';
import type {
  FolderRecord,
  IamPolicyRecord,
  OperationRecord,
  OrganizationRecord,
  ProjectRecord,
} from './types';

/*
 * Resources as the REST APIs answer them: proto3 JSON, lowerCamelCase,
 * `google.protobuf.Any` with `@type`, enums as the request asked.
 */

const TYPE = 'type.googleapis.com/';

function digest(s: string): Buffer {
  return createHash('sha1').update(s).digest();
}

/** A weak etag, as Resource Manager v3 gives projects and folders. */
function weakEtag(key: string, revision: number): string {
  return `W/"${digest(`${key}:${revision}`).toString('hex').slice(0, 16)}"`;
}

export function renderProject(p: ProjectRecord, style: EnumStyle) {
  return {
    name: `projects/${p.number}`,
    parent: p.parent,
    projectId: p.projectId,
    state: encodeEnum(RESOURCE_STATE, p.state, style),
    displayName: p.displayName,
    createTime: p.createTime,
    updateTime: p.updateTime,
    ...(p.deleteTime ? { deleteTime: p.deleteTime } : {}),
    etag: weakEtag(p.projectId, p.revision),
    labels: p.labels,
  };
}

export function renderFolder(f: FolderRecord, style: EnumStyle) {
  return {
    name: f.name,
    parent: f.parent,
    displayName: f.displayName,
    state: encodeEnum(RESOURCE_STATE, 'ACTIVE', style),
    createTime: f.createTime,
    updateTime: f.createTime,
    etag: weakEtag(f.name, 1),
  };
}

export function renderOrganization(o: OrganizationRecord, style: EnumStyle) {
  return {
    name: o.name,
    displayName: o.displayName,
    directoryCustomerId: o.directoryCustomerId,
    state: encodeEnum(RESOURCE_STATE, 'ACTIVE', style),
    createTime: o.createTime,
    updateTime: o.createTime,
    etag: weakEtag(o.name, 1),
  };
}

/** An IAM policy etag: 8 bytes, base64 in JSON (the proto field is `bytes`). */
export function policyEtag(projectId: string, revision: number): string {
  return Buffer.concat([
    Buffer.from([0x07]),
    digest(`${projectId}:${revision}`).subarray(0, 7),
  ]).toString('base64');
}

export function renderPolicy(projectId: string, policy: IamPolicyRecord) {
  return {
    version: policy.version,
    ...(policy.bindings.length ? { bindings: policy.bindings } : {}),
    etag: policyEtag(projectId, policy.revision),
  };
}

export function renderService(
  p: ProjectRecord,
  service: string,
  style: EnumStyle,
) {
  const enabled = p.services.includes(service);
  return {
    name: `projects/${p.number}/services/${service}`,
    parent: `projects/${p.number}`,
    config: {
      name: service,
      title: SERVICE_CATALOG[service]?.title ?? service,
    },
    state: encodeEnum(SERVICE_STATE, enabled ? 'ENABLED' : 'DISABLED', style),
  };
}

function errorStatus(op: OperationRecord) {
  const status =
    op.error && isRpcStatus(op.error.status) ? op.error.status : 'INTERNAL';
  return {
    code: RPC_CODES[status].code,
    message: op.error?.message ?? 'operation failed',
  };
}

/** Metadata of a Resource Manager / Service Usage operation, by kind. */
function metadataOf(op: OperationRecord, project: ProjectRecord | undefined) {
  switch (op.kind) {
    case 'createProject':
      return {
        '@type': `${TYPE}google.cloud.resourcemanager.v3.CreateProjectMetadata`,
        createTime: op.startTime,
        gettable: op.outcome !== 'fail',
        ready: op.done && op.outcome !== 'fail',
      };
    case 'updateProject':
      return {
        '@type': `${TYPE}google.cloud.resourcemanager.v3.UpdateProjectMetadata`,
      };
    case 'deleteProject':
      return {
        '@type': `${TYPE}google.cloud.resourcemanager.v3.DeleteProjectMetadata`,
      };
    default:
      return {
        '@type': `${TYPE}google.api.serviceusage.v1.OperationMetadata`,
        resourceNames: (op.services ?? []).map(
          s => `projects/${project?.number ?? op.project}/services/${s}`,
        ),
      };
  }
}

/** The response of a done, successful operation, by kind. */
function responseOf(
  op: OperationRecord,
  project: ProjectRecord | undefined,
  style: EnumStyle,
) {
  if (op.kind === 'batchEnable') {
    return {
      '@type': `${TYPE}google.api.serviceusage.v1.BatchEnableServicesResponse`,
      services: project
        ? (op.services ?? []).map(s => renderService(project, s, style))
        : [],
    };
  }
  return project
    ? {
        '@type': `${TYPE}google.cloud.resourcemanager.v3.Project`,
        ...renderProject(project, style),
      }
    : undefined;
}

/**
 * A `google.longrunning.Operation`: `done` is left out while false (proto3
 * JSON omits defaults); when done, either `error` or `response`.
 */
export function renderLongRunning(
  op: OperationRecord,
  store: GcpStore,
  style: EnumStyle,
) {
  const project = store.project(op.project);
  const out: Record<string, unknown> = {
    name: op.name,
    metadata: metadataOf(op, project),
  };
  if (!op.done) return out;
  out.done = true;
  if (op.outcome === 'fail') {
    out.error = errorStatus(op);
  } else {
    const response = responseOf(op, project, style);
    if (response) out.response = response;
  }
  return out;
}

export { errorStatus as operationErrorStatus };
