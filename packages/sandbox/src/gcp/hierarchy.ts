import { GcpApi, GcpCall, GcpRoute, send } from './api';
import { iamDenied } from './access';
import { gcpError } from './errors';
import { renderFolder, renderLongRunning, renderOrganization } from './render';

/*
 * Resource Manager v3 folders and organizations (get only), and the
 * long-running operations of Resource Manager (`/v3/operations/*`) and
 * Service Usage (`/v1/operations/*`).
 */

function getFolder(api: GcpApi, call: GcpCall) {
  const name = `folders/${call.ctx.params.folder}`;
  const f = api.store.folder(name);
  if (!f || !api.store.canSee(call.principal, name)) {
    throw iamDenied('resourcemanager.folders.get', name);
  }
  send(call, renderFolder(f, call.style));
}

function getOrganization(api: GcpApi, call: GcpCall) {
  const name = `organizations/${call.ctx.params.organization}`;
  const o = api.store.organization(name);
  if (!o || !api.store.canSee(call.principal, name)) {
    throw iamDenied('resourcemanager.organizations.get', name);
  }
  send(call, renderOrganization(o, call.style));
}

function getOperation(
  api: GcpApi,
  call: GcpCall,
  kinds: ReadonlyArray<string>,
) {
  const name = `operations/${call.ctx.params.operation}`;
  const op = api.store.operation(name);
  const mine =
    op &&
    kinds.includes(op.kind) &&
    (op.principal === call.principal.member ||
      api.store.canSee(call.principal, `projects/${op.project}`));
  if (!op || !mine) {
    throw gcpError('NOT_FOUND', `Operation "${name}" not found.`);
  }
  send(call, renderLongRunning(op, api.store, call.style));
}

export function hierarchyRoutes(api: GcpApi): GcpRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/v3/folders/{folder}',
      handler: c => getFolder(api, c),
    },
    {
      method: 'GET',
      pattern: '/v3/organizations/{organization}',
      handler: c => getOrganization(api, c),
    },
    {
      method: 'GET',
      pattern: '/v3/operations/{operation}',
      handler: c =>
        getOperation(api, c, [
          'createProject',
          'updateProject',
          'deleteProject',
        ]),
    },
    {
      method: 'GET',
      pattern: '/v1/operations/{operation}',
      handler: c => getOperation(api, c, ['batchEnable']),
    },
  ];
}
