import { isPlainObject } from './patch';
import { badRequest, invalid } from './status';
import type { KindInfo } from './kinds';

/**
 * The sandbox token is a cluster admin: what an RBAC authorizer says for a
 * member of `system:masters`.
 */
const ALLOWED_REASON =
  'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';

/**
 * POST of a SelfSubjectAccessReview or SelfSubjectRulesReview (`kubectl auth
 * can-i`, `kubectl auth can-i --list`): the request comes back with its
 * status filled in and 201, and nothing is stored, like
 * kubernetes/pkg/registry/authorization/selfsubjectaccessreview/rest.go and
 * selfsubjectrulesreview/rest.go. Validation follows
 * kubernetes/pkg/apis/authorization/validation/validation.go
 * (`ValidateSelfSubjectAccessReviewSpec`).
 */
export function answerReview(
  info: KindInfo,
  apiVersion: string,
  body: unknown,
): Record<string, unknown> {
  if (!isPlainObject(body))
    throw badRequest('the body of the request was not a JSON object');
  if (body.kind !== undefined && body.kind !== info.kind)
    throw badRequest(`not a ${info.kind}: ${String(body.kind)}`);
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const base = {
    kind: info.kind,
    apiVersion,
    metadata: { ...metadata, creationTimestamp: null },
    spec,
  };
  if (info.kind === 'SelfSubjectRulesReview') {
    return {
      ...base,
      status: {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      },
    };
  }
  const hasResource = isPlainObject(spec.resourceAttributes);
  const hasNonResource = isPlainObject(spec.nonResourceAttributes);
  if (hasResource && hasNonResource) {
    throw invalid(info.kind, '', info.group, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.nonResourceAttributes',
        message: `Invalid value: ${JSON.stringify(
          spec.nonResourceAttributes,
        )}: cannot be specified in combination with resourceAttributes`,
      },
    ]);
  }
  if (!hasResource && !hasNonResource) {
    throw invalid(info.kind, '', info.group, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.resourceAttributes',
        message:
          'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      },
    ]);
  }
  return { ...base, status: { allowed: true, reason: ALLOWED_REASON } };
}
