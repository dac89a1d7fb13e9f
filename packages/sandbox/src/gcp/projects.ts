import {
  GcpApi,
  GcpCall,
  GcpRoute,
  isObject,
  page,
  readJson,
  send,
} from './api';
import { iamDenied, requireProject } from './access';
import { FieldViolation, gcpError, invalidArgument } from './errors';
import { renderLongRunning, renderProject } from './render';
import { projectQuery } from './search';
import { DEFAULT_PROJECT_SERVICES } from './services';
import { nowIso } from './store';
import type { OperationRecord, ProjectRecord } from './types';
import {
  displayNameViolations,
  isParentName,
  labelViolations,
  projectIdViolations,
} from './validation';

/*
 * Resource Manager v3 projects (googleapis google/cloud/resourcemanager/v3/projects.proto):
 * create / update / delete are long-running operations `operations/cp.<n>`,
 * polled at `GET /v3/operations/cp.<n>`.
 */

function touch(p: ProjectRecord) {
  p.revision += 1;
  p.updateTime = nowIso();
}

async function createProject(api: GcpApi, call: GcpCall) {
  const body = await readJson(call.ctx);
  const violations: FieldViolation[] = [
    ...projectIdViolations(body.projectId, 'project.project_id'),
    ...displayNameViolations(body.displayName, 'project.display_name'),
    ...labelViolations(body.labels, 'project.labels'),
  ];
  if (!isParentName(body.parent)) {
    violations.push({
      field: 'project.parent',
      description:
        'The parent must be specified as organizations/{organization_id} or folders/{folder_id}.',
    });
  }
  if (violations.length) throw invalidArgument(violations);
  const parent = body.parent as string;
  const projectId = body.projectId as string;
  if (!api.store.folder(parent) && !api.store.organization(parent)) {
    throw invalidArgument([
      { field: 'project.parent', description: `Parent ${parent} not found.` },
    ]);
  }
  if (!api.store.canSee(call.principal, parent)) {
    throw iamDenied('resourcemanager.projects.create', parent);
  }
  // Project ids are global: one taken anywhere (even where the caller cannot see) is taken.
  if (api.store.project(projectId)) {
    throw gcpError('ALREADY_EXISTS', 'Requested entity already exists');
  }
  const op = api.operations.start({
    name: `operations/cp.${api.store.nextSequence()}`,
    kind: 'createProject',
    project: projectId,
    principal: call.principal.member,
  });
  // A creation that will fail leaves no project behind.
  if (op.outcome !== 'fail') {
    const now = nowIso();
    api.store.state.projects.push({
      projectId,
      number: api.store.nextNumber(),
      parent,
      displayName: (body.displayName as string | undefined) || projectId,
      labels: { ...((body.labels as Record<string, string>) ?? {}) },
      state: 'ACTIVE',
      createTime: now,
      updateTime: now,
      revision: 1,
      billingAccountName: '',
      services: [...DEFAULT_PROJECT_SERVICES],
      iamPolicy: {
        version: 1,
        bindings: [{ role: 'roles/owner', members: [call.principal.member] }],
        revision: 1,
      },
    });
    api.store.changed();
  }
  send(call, renderLongRunning(op, api.store, call.style));
}

/** `updateMask` fields Resource Manager lets UpdateProject change. */
const UPDATABLE: Record<string, 'displayName' | 'labels'> = {
  display_name: 'displayName',
  displayName: 'displayName',
  labels: 'labels',
};

async function updateProject(api: GcpApi, call: GcpCall) {
  const p = requireProject(
    api,
    call,
    call.ctx.params.project,
    'resourcemanager.projects.update',
  );
  const body = await readJson(call.ctx);
  const mask = (call.ctx.query.get('updateMask') ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const unknown = mask.filter(f => !UPDATABLE[f]);
  if (unknown.length) {
    throw invalidArgument(
      unknown.map(f => ({
        field: 'update_mask',
        description: `Field "${f}" cannot be updated: only display_name and labels can.`,
      })),
    );
  }
  const violations = [
    ...displayNameViolations(body.displayName, 'project.display_name'),
    ...labelViolations(body.labels, 'project.labels'),
  ];
  if (violations.length) throw invalidArgument(violations);
  // Without a mask: the fields given (empty labels do not clear them, as projects.proto says).
  const fields = mask.length
    ? new Set(mask.map(f => UPDATABLE[f]))
    : new Set(
        [
          body.displayName !== undefined ? 'displayName' : undefined,
          isObject(body.labels) && Object.keys(body.labels).length
            ? 'labels'
            : undefined,
        ].filter(Boolean),
      );
  const update: OperationRecord['update'] = {};
  if (fields.has('displayName')) {
    update.displayName = (body.displayName as string | undefined) ?? '';
  }
  if (fields.has('labels')) {
    update.labels = { ...((body.labels as Record<string, string>) ?? {}) };
  }
  const op = api.operations.start({
    name: `operations/cp.${api.store.nextSequence()}`,
    kind: 'updateProject',
    project: p.projectId,
    principal: call.principal.member,
    update,
  });
  send(call, renderLongRunning(op, api.store, call.style));
}

function deleteProject(api: GcpApi, call: GcpCall) {
  const p = requireProject(
    api,
    call,
    call.ctx.params.project,
    'resourcemanager.projects.delete',
  );
  if (p.state !== 'ACTIVE') {
    throw gcpError(
      'FAILED_PRECONDITION',
      `Project ${p.projectId} is not active: its deletion was already requested.`,
    );
  }
  const op = api.operations.start({
    name: `operations/cp.${api.store.nextSequence()}`,
    kind: 'deleteProject',
    project: p.projectId,
    principal: call.principal.member,
  });
  send(call, renderLongRunning(op, api.store, call.style));
}

function getProject(api: GcpApi, call: GcpCall) {
  const p = requireProject(
    api,
    call,
    call.ctx.params.project,
    'resourcemanager.projects.get',
  );
  send(call, renderProject(p, call.style));
}

function searchProjects(api: GcpApi, call: GcpCall) {
  const match = projectQuery(call.ctx.query.get('query') ?? '');
  const found = api.store.state.projects
    .filter(p => api.store.canSeeProject(call.principal, p))
    .filter(match)
    .sort((a, b) => a.projectId.localeCompare(b.projectId));
  sendProjectPage(call, found);
}

/** One page of projects, as `projects.search` and `projects.list` answer (no key when empty). */
function sendProjectPage(call: GcpCall, found: ProjectRecord[]) {
  const { items, nextPageToken } = page(found, call.ctx.query, {
    defaultSize: 500,
    maxSize: 500,
  });
  send(call, {
    ...(items.length
      ? { projects: items.map(p => renderProject(p, call.style)) }
      : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  });
}

function listProjects(api: GcpApi, call: GcpCall) {
  const parent = call.ctx.query.get('parent') ?? '';
  if (!isParentName(parent)) {
    throw invalidArgument([
      {
        field: 'parent',
        description:
          'The parent must be specified as organizations/{organization_id} or folders/{folder_id}.',
      },
    ]);
  }
  if (!api.store.canSee(call.principal, parent)) {
    throw iamDenied('resourcemanager.projects.list', parent);
  }
  const showDeleted = call.ctx.query.get('showDeleted') === 'true';
  const found = api.store.state.projects
    .filter(p => p.parent === parent && (showDeleted || p.state === 'ACTIVE'))
    .sort((a, b) => a.projectId.localeCompare(b.projectId));
  sendProjectPage(call, found);
}

/** Applies the project operations' effects when they complete. */
export function registerProjectOperations(api: GcpApi) {
  api.operations.on('createProject', { succeed: () => undefined });
  api.operations.on('updateProject', {
    succeed: op => {
      const p = api.store.project(op.project);
      if (!p) return;
      if (op.update?.displayName !== undefined) {
        p.displayName = op.update.displayName || p.projectId;
      }
      if (op.update?.labels !== undefined) p.labels = op.update.labels;
      touch(p);
    },
  });
  api.operations.on('deleteProject', {
    succeed: op => {
      const p = api.store.project(op.project);
      if (!p) return;
      p.state = 'DELETE_REQUESTED';
      p.deleteTime = nowIso();
      touch(p);
    },
  });
}

export function projectRoutes(api: GcpApi): GcpRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/v3/projects:search',
      handler: c => searchProjects(api, c),
    },
    {
      method: 'GET',
      pattern: '/v3/projects',
      handler: c => listProjects(api, c),
    },
    {
      method: 'POST',
      pattern: '/v3/projects',
      handler: c => createProject(api, c),
    },
    {
      method: 'GET',
      pattern: '/v3/projects/{project}',
      handler: c => getProject(api, c),
    },
    {
      method: 'PATCH',
      pattern: '/v3/projects/{project}',
      handler: c => updateProject(api, c),
    },
    {
      method: 'DELETE',
      pattern: '/v3/projects/{project}',
      handler: c => deleteProject(api, c),
    },
  ];
}
