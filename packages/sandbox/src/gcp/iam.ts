import { GcpApi, GcpCall, GcpRoute, isObject, readJson, send } from './api';
import { requireProject } from './access';
import { gcpError, invalidArgument, FieldViolation } from './errors';
import { policyEtag, renderPolicy } from './render';
import { nowIso } from './store';
import type { IamBinding } from './types';

/*
 * Project IAM policies (googleapis google/iam/v1/iam_policy.proto, policy.proto,
 * served by Resource Manager v3 as `POST /v3/projects/*:getIamPolicy|:setIamPolicy`).
 * The etag is `bytes` (base64 in JSON); a set with a stale etag is 409 ABORTED,
 * one with a matching or no etag applies.
 */

const ROLE_RE =
  /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/]+\/roles\/[A-Za-z0-9_.]+)$/;
const MEMBER_RE =
  /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet|deleted:user|deleted:serviceAccount|deleted:group):.+)$/;

function sameEtag(a: string, b: string): boolean {
  return Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64'));
}

async function getIamPolicy(api: GcpApi, call: GcpCall) {
  const p = requireProject(
    api,
    call,
    call.ctx.params.project,
    'resourcemanager.projects.getIamPolicy',
  );
  // `options.requestedPolicyVersion` changes nothing: policies have no conditions here.
  await readJson(call.ctx);
  send(call, renderPolicy(p.projectId, p.iamPolicy));
}

function parseBindings(raw: unknown): IamBinding[] {
  if (raw === undefined) return [];
  const violations: FieldViolation[] = [];
  if (!Array.isArray(raw)) {
    throw invalidArgument([
      { field: 'policy.bindings', description: 'Bindings must be a list.' },
    ]);
  }
  const byRole = new Map<string, Set<string>>();
  raw.forEach((b: unknown, i) => {
    const binding = isObject(b) ? b : {};
    const role = binding.role;
    if (typeof role !== 'string' || !ROLE_RE.test(role)) {
      violations.push({
        field: `policy.bindings[${i}].role`,
        description: `Role ${String(role)} is not supported for this resource.`,
      });
      return;
    }
    const members = Array.isArray(binding.members) ? binding.members : [];
    members.forEach((m: unknown, j) => {
      if (typeof m !== 'string' || !MEMBER_RE.test(m)) {
        violations.push({
          field: `policy.bindings[${i}].members[${j}]`,
          description: `Invalid member: ${String(m)}.`,
        });
      }
    });
    const set = byRole.get(role) ?? new Set<string>();
    for (const m of members) set.add(String(m));
    byRole.set(role, set);
  });
  if (violations.length) throw invalidArgument(violations);
  // Google stores one binding per role and drops bindings without members.
  return [...byRole]
    .filter(([, members]) => members.size > 0)
    .map(([role, members]) => ({ role, members: [...members].sort() }));
}

async function setIamPolicy(api: GcpApi, call: GcpCall) {
  const p = requireProject(
    api,
    call,
    call.ctx.params.project,
    'resourcemanager.projects.setIamPolicy',
  );
  const body = await readJson(call.ctx);
  if (!isObject(body.policy)) {
    throw invalidArgument([
      { field: 'policy', description: 'The policy must be specified.' },
    ]);
  }
  const policy = body.policy;
  const current = policyEtag(p.projectId, p.iamPolicy.revision);
  if (
    typeof policy.etag === 'string' &&
    policy.etag !== '' &&
    !sameEtag(policy.etag, current)
  ) {
    throw gcpError(
      'ABORTED',
      'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
    );
  }
  const bindings = parseBindings(policy.bindings);
  const version = typeof policy.version === 'number' ? policy.version : 1;
  if (![0, 1, 3].includes(version)) {
    throw invalidArgument([
      {
        field: 'policy.version',
        description: `Invalid policy version ${version}: it must be 1 or 3.`,
      },
    ]);
  }
  p.iamPolicy = {
    version: version || 1,
    bindings,
    revision: p.iamPolicy.revision + 1,
  };
  p.updateTime = nowIso();
  api.store.changed();
  send(call, renderPolicy(p.projectId, p.iamPolicy));
}

async function testIamPermissions(api: GcpApi, call: GcpCall) {
  const p = api.store.visibleProject(call.principal, call.ctx.params.project);
  const body = await readJson(call.ctx);
  const asked = Array.isArray(body.permissions)
    ? body.permissions.filter((x): x is string => typeof x === 'string')
    : [];
  // The imitation has no roles to evaluate: a principal who sees a project holds every permission on it.
  send(call, p && asked.length ? { permissions: asked } : {});
}

export function iamRoutes(api: GcpApi): GcpRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/v3/projects/{project}:getIamPolicy',
      handler: c => getIamPolicy(api, c),
      mutation: false,
    },
    {
      method: 'POST',
      pattern: '/v3/projects/{project}:setIamPolicy',
      handler: c => setIamPolicy(api, c),
    },
    {
      method: 'POST',
      pattern: '/v3/projects/{project}:testIamPermissions',
      handler: c => testIamPermissions(api, c),
      mutation: false,
    },
  ];
}
