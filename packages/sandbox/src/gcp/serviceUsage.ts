import { GcpApi, GcpCall, GcpRoute, page, readJson, send } from './api';
import { requireActiveProject } from './access';
import {
  errorInfo,
  gcpError,
  invalidArgument,
  permissionDenied,
} from './errors';
import { renderLongRunning, renderService } from './render';
import { SERVICE_CATALOG } from './services';
import { isServiceName } from './validation';

/*
 * Service Usage v1 (googleapis google/api/serviceusage/v1/serviceusage.proto):
 * batchEnable is a long-running operation `operations/acf.p2-<number>-<n>`,
 * polled at `GET /v1/operations/*`. A well-formed but unknown service is 403
 * "Not found or permission denied for service(s)"; a service that needs
 * billing, in a project without it, is 400 FAILED_PRECONDITION.
 */

const MAX_BATCH = 20;

function unknownServices(services: string[]) {
  return permissionDenied(
    `Not found or permission denied for service(s): ${services.join(', ')}.`,
    [
      errorInfo(
        'SERVICE_CONFIG_NOT_FOUND_OR_PERMISSION_DENIED',
        'serviceusage.googleapis.com',
        {
          services: services.join(','),
          permission: 'serviceusage.services.enable',
        },
      ),
    ],
  );
}

function projectOf(api: GcpApi, call: GcpCall, message: string) {
  return requireActiveProject(api, call, call.ctx.params.project, message);
}

async function batchEnable(api: GcpApi, call: GcpCall) {
  const body = await readJson(call.ctx);
  const ids = body.serviceIds;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw invalidArgument([
      {
        field: 'service_ids',
        description: 'At least one service id must be specified.',
      },
    ]);
  }
  if (ids.length > MAX_BATCH) {
    throw invalidArgument([
      {
        field: 'service_ids',
        description: `At most ${MAX_BATCH} services can be enabled in one request.`,
      },
    ]);
  }
  const malformed = ids
    .map((id: unknown, i) => ({ id, i }))
    .filter(({ id }) => !isServiceName(id));
  if (malformed.length) {
    throw invalidArgument(
      malformed.map(({ id, i }) => ({
        field: `service_ids[${i}]`,
        description: `Invalid service id "${String(
          id,
        )}": a service id is a DNS name such as container.googleapis.com.`,
      })),
    );
  }
  const services = [...new Set(ids as string[])];
  const p = projectOf(
    api,
    call,
    `Permission denied to enable service [${services.join(',')}]`,
  );
  const unknown = services.filter(s => !SERVICE_CATALOG[s]);
  if (unknown.length) throw unknownServices(unknown);
  const needBilling = services.filter(s => SERVICE_CATALOG[s].needsBilling);
  const account = p.billingAccountName
    ? api.store.billingAccount(p.billingAccountName)
    : undefined;
  if (needBilling.length && !account?.open) {
    const state = account ? 'open' : 'found';
    throw gcpError(
      'FAILED_PRECONDITION',
      `Billing account for project '${
        p.number
      }' is not ${state}. Billing must be enabled for activation of service(s) '${needBilling.join(
        ',',
      )}' to proceed.`,
      [
        errorInfo(
          `UREQ_PROJECT_BILLING_NOT_${state.toUpperCase()}`,
          'serviceusage.googleapis.com',
          { project: p.number, services: needBilling.join(',') },
        ),
      ],
    );
  }
  const op = api.operations.start({
    name: `operations/acf.p2-${p.number}-${api.store.nextSequence()}`,
    kind: 'batchEnable',
    project: p.projectId,
    principal: call.principal.member,
    services,
  });
  send(call, renderLongRunning(op, api.store, call.style));
}

function listServices(api: GcpApi, call: GcpCall) {
  const p = projectOf(api, call, 'The caller does not have permission');
  const filter = (call.ctx.query.get('filter') ?? '').replace(/\s+/g, '');
  let names = Object.keys(SERVICE_CATALOG);
  // Enabled services the catalogue does not know (from a fixture) are listed too.
  for (const s of p.services) if (!names.includes(s)) names.push(s);
  names = names.sort();
  if (/^state:ENABLED$/i.test(filter)) {
    names = names.filter(s => p.services.includes(s));
  } else if (/^state:DISABLED$/i.test(filter)) {
    names = names.filter(s => !p.services.includes(s));
  } else if (filter) {
    throw invalidArgument([
      {
        field: 'filter',
        description: `Invalid filter "${filter}": only state:ENABLED and state:DISABLED are supported.`,
      },
    ]);
  }
  const { items, nextPageToken } = page(names, call.ctx.query, {
    defaultSize: 50,
    maxSize: 200,
  });
  send(call, {
    ...(items.length
      ? { services: items.map(s => renderService(p, s, call.style)) }
      : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  });
}

function getService(api: GcpApi, call: GcpCall) {
  const p = projectOf(api, call, 'The caller does not have permission');
  const service = call.ctx.params.service;
  if (!SERVICE_CATALOG[service] && !p.services.includes(service)) {
    throw unknownServices([service]);
  }
  send(call, renderService(p, service, call.style));
}

export function registerServiceUsageOperations(api: GcpApi) {
  api.operations.on('batchEnable', {
    succeed: op => {
      const p = api.store.project(op.project);
      if (!p) return;
      for (const s of op.services ?? []) {
        if (!p.services.includes(s)) p.services.push(s);
      }
    },
  });
}

export function serviceUsageRoutes(api: GcpApi): GcpRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/projects/{project}/services:batchEnable',
      handler: c => batchEnable(api, c),
    },
    {
      method: 'GET',
      pattern: '/v1/projects/{project}/services',
      handler: c => listServices(api, c),
    },
    {
      method: 'GET',
      pattern: '/v1/projects/{project}/services/{service}',
      handler: c => getService(api, c),
    },
  ];
}
