import { GcpApi, GcpCall, GcpRoute, page, readJson, send } from './api';
import { invalidArgument, permissionDenied } from './errors';
import type { BillingAccountRecord, ProjectRecord } from './types';

/*
 * Cloud Billing v1 (googleapis google/cloud/billing/v1/cloud_billing.proto).
 * Its JSON keeps default values (`billingEnabled: false`,
 * `masterBillingAccount: ''`), as the REST API does. Linking a project to a
 * closed account is accepted and leaves billing disabled, as the
 * updateBillingInfo reference says ("much the same effect as disabling
 * billing"); an account the caller may not use is 403.
 */

const ACCOUNT_NAME_RE =
  /^billingAccounts\/[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

function billingEnabled(api: GcpApi, p: ProjectRecord): boolean {
  const account = p.billingAccountName
    ? api.store.billingAccount(p.billingAccountName)
    : undefined;
  return !!account?.open;
}

function renderBillingInfo(api: GcpApi, p: ProjectRecord) {
  return {
    name: `projects/${p.projectId}/billingInfo`,
    projectId: p.projectId,
    billingAccountName: p.billingAccountName,
    billingEnabled: billingEnabled(api, p),
  };
}

function renderAccount(a: BillingAccountRecord) {
  return {
    name: a.name,
    open: a.open,
    displayName: a.displayName,
    masterBillingAccount: '',
    ...(a.parent ? { parent: a.parent } : {}),
    currencyCode: a.currencyCode,
  };
}

function projectOf(api: GcpApi, call: GcpCall): ProjectRecord {
  const p = api.store.visibleProject(call.principal, call.ctx.params.project);
  if (!p) throw permissionDenied();
  return p;
}

/** An account the caller may view and use; 403 for any other (existing or not). */
function usableAccount(api: GcpApi, call: GcpCall, name: string) {
  const a = api.store.billingAccount(name);
  if (!a || !call.principal.billingAccounts.includes(name)) {
    throw permissionDenied();
  }
  return a;
}

async function updateBillingInfo(api: GcpApi, call: GcpCall) {
  const p = projectOf(api, call);
  const body = await readJson(call.ctx);
  const name = body.billingAccountName ?? '';
  if (
    typeof name !== 'string' ||
    (name !== '' && !ACCOUNT_NAME_RE.test(name))
  ) {
    throw invalidArgument([
      {
        field: 'project_billing_info.billing_account_name',
        description: `Invalid billing account name "${String(
          name,
        )}": expected billingAccounts/XXXXXX-XXXXXX-XXXXXX.`,
      },
    ]);
  }
  if (name) usableAccount(api, call, name);
  p.billingAccountName = name;
  api.store.changed();
  send(call, renderBillingInfo(api, p));
}

function listAccounts(api: GcpApi, call: GcpCall) {
  const filter = (call.ctx.query.get('filter') ?? '').replace(/\s+/g, '');
  const open = /^open=(true|false)$/i.exec(filter);
  const accounts = call.principal.billingAccounts
    .map(n => api.store.billingAccount(n))
    .filter((a): a is BillingAccountRecord => !!a)
    .filter(a => !open || String(a.open) === open[1].toLowerCase())
    .sort((a, b) => a.name.localeCompare(b.name));
  const { items, nextPageToken } = page(accounts, call.ctx.query, {
    defaultSize: 50,
    maxSize: 100,
  });
  send(call, { billingAccounts: items.map(renderAccount), nextPageToken });
}

export function billingRoutes(api: GcpApi): GcpRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/projects/{project}/billingInfo',
      handler: c => send(c, renderBillingInfo(api, projectOf(api, c))),
    },
    {
      method: 'PUT',
      pattern: '/v1/projects/{project}/billingInfo',
      handler: c => updateBillingInfo(api, c),
    },
    {
      method: 'GET',
      pattern: '/v1/billingAccounts',
      handler: c => listAccounts(api, c),
    },
    {
      method: 'GET',
      pattern: '/v1/billingAccounts/{billingAccount}',
      handler: c =>
        send(
          c,
          renderAccount(
            usableAccount(
              api,
              c,
              `billingAccounts/${c.ctx.params.billingAccount}`,
            ),
          ),
        ),
    },
  ];
}
