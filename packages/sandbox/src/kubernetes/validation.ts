import type { V1LabelSelector } from '@kubernetes/client-node';
import type { KindInfo } from './kinds';
import { apiVersionOf } from './kinds';
import { isPlainObject } from './patch';
import { labelSelectorMatcher } from './selectors';
import { badRequest, invalid, StatusCause } from './status';
import type { KubeObject, ObjectMeta, Wire } from './types';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function nameCauses(
  info: KindInfo,
  name: string,
  field: string,
): StatusCause[] {
  if (info.kind === 'Namespace') {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) {
      return [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        },
      ];
    }
    return [];
  }
  if (info.kind === 'Service') {
    if (name.length > 63 || !DNS1035_LABEL.test(name)) {
      return [
        {
          reason: 'FieldValueInvalid',
          field,
          message: `Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        },
      ];
    }
    return [];
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return [
      {
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ];
  }
  return [];
}

/**
 * What the real server's decoding answers for a created or replaced object
 * whose kind or apiVersion is not the URL's: 400 BadRequest, not 422
 * (apiserver/pkg/endpoints/handlers/create.go and update.go:
 * `transformDecodeError` for a built-in kind that cannot be converted, "the API
 * version in the data … does not match" for another version). A custom
 * resource with another kind decodes and fails validation instead (422, as
 * apiextensions-apiserver's integration test for a bad kind expects).
 */
export function checkDecodable(
  info: KindInfo,
  version: string,
  raw: unknown,
): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
  const { kind, apiVersion } = raw as { kind?: unknown; apiVersion?: unknown };
  const expected = apiVersionOf(info.group, version);
  if (!info.crd && typeof kind === 'string' && kind && kind !== info.kind) {
    const dataVersion =
      typeof apiVersion === 'string' && apiVersion ? apiVersion : expected;
    const v = dataVersion.slice(dataVersion.lastIndexOf('/') + 1);
    throw badRequest(
      `${kind} in version "${v}" cannot be handled as a ${info.kind}: converting (${v}.${kind}) to (${info.kind}): unknown conversion`,
    );
  }
  if (typeof apiVersion === 'string' && apiVersion && apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (${expected})`,
    );
  }
}

/**
 * Validates an object against the URL it was sent to and the basic rules of
 * its kind. Throws 422 Invalid with one cause per problem.
 */
export function validateObject(opts: {
  info: KindInfo;
  version: string;
  obj: KubeObject;
  namespace?: string;
  name?: string;
  creating: boolean;
}): void {
  const { info, version, obj, namespace, name, creating } = opts;
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const expectedApiVersion = apiVersionOf(info.group, version);
  if (obj.kind !== undefined && obj.kind !== info.kind) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'kind',
      message: `Invalid value: "${obj.kind}": must be ${info.kind}`,
    });
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== expectedApiVersion) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'apiVersion',
      message: `Invalid value: "${obj.apiVersion}": must be ${expectedApiVersion}`,
    });
  }
  if (!meta.name && !(creating && meta.generateName)) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
  } else if (meta.name) {
    causes.push(...nameCauses(info, meta.name, 'metadata.name'));
    if (name && meta.name !== name) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${meta.name}": must match the name in the URL ("${name}")`,
      });
    }
  }
  if (
    info.namespaced &&
    namespace &&
    meta.namespace &&
    meta.namespace !== namespace
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.namespace',
      message: `Invalid value: "${meta.namespace}": the namespace of the provided object does not match the namespace sent on the request`,
    });
  }
  if (!info.namespaced && meta.namespace) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'metadata.namespace',
      message: 'Forbidden: not allowed on this type',
    });
  }
  causes.push(...kindCauses(info, obj));
  if (causes.length) {
    throw invalid(
      info.kind,
      meta.name ?? meta.generateName ?? '',
      info.group,
      causes,
    );
  }
}

/** The value if it is a JSON object, else `{}`: a missing or mistyped field reads as empty. */
const objectOr = (v: unknown): Record<string, unknown> =>
  isPlainObject(v) ? v : {};

function kindCauses(info: KindInfo, obj: KubeObject): StatusCause[] {
  // Input as sent: every level is narrowed before it is read.
  const spec = objectOr(obj.spec);
  const causes: StatusCause[] = [];
  const podSpecCauses = (podSpec: unknown, prefix: string) => {
    const containers = objectOr(podSpec).containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      causes.push({
        reason: 'FieldValueRequired',
        field: `${prefix}.containers`,
        message: 'Required value',
      });
      return;
    }
    containers.forEach((item: unknown, i: number) => {
      const c = objectOr(item);
      if (!c.name) {
        causes.push({
          reason: 'FieldValueRequired',
          field: `${prefix}.containers[${i}].name`,
          message: 'Required value',
        });
      }
      if (!c.image) {
        causes.push({
          reason: 'FieldValueRequired',
          field: `${prefix}.containers[${i}].image`,
          message: 'Required value',
        });
      }
    });
  };
  if (info.kind === 'Pod') podSpecCauses(spec, 'spec');
  if (
    ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(info.kind)
  ) {
    const template = objectOr(spec.template);
    if (!spec.selector) {
      causes.push({
        reason: 'FieldValueRequired',
        field: 'spec.selector',
        message: 'Required value',
      });
    } else {
      const selector = objectOr(spec.selector) as Wire<V1LabelSelector>;
      const matches = labelSelectorMatcher(selector)({
        metadata: objectOr(template.metadata) as ObjectMeta,
      });
      if (!matches) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(
            objectOr(template.metadata).labels ?? {},
          )}: \`selector\` does not match template \`labels\``,
        });
      }
    }
    podSpecCauses(template.spec, 'spec.template.spec');
  }
  return causes;
}
