import type { KindInfo, KindRegistry } from './kinds';
import { apiVersionOf } from './kinds';

/**
 * A minimal OpenAPI v3 surface: enough for kubectl to see that PATCH takes
 * `fieldValidation` (so it validates server-side instead of downloading the
 * v2 schema) — no schemas, so client-side apply falls back to its compiled-in
 * strategic-merge metadata, as against a server without OpenAPI.
 */
export function openApiRoot(registry: KindRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions(registry)) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(p)}` };
  }
  return { paths };
}

export function openApiGroupVersion(
  registry: KindRegistry,
  group: string,
  version: string,
) {
  const kinds = registry.inGroupVersion(group, version);
  if (kinds.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const k of kinds) {
    if (k.derived || k.review) continue;
    const base = `/${gvPath(group, version)}${
      k.namespaced ? '/namespaces/{namespace}' : ''
    }/${k.resource}/{name}`;
    paths[base] = { patch: patchOperation(k, version) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.31.4' },
    paths,
    components: { schemas: {} },
  };
}

function patchOperation(k: KindInfo, version: string) {
  return {
    operationId: `patch${k.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': {
      group: k.group,
      version,
      kind: k.kind,
    },
    parameters: [
      {
        name: 'dryRun',
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      },
      {
        name: 'fieldManager',
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      },
      {
        name: 'fieldValidation',
        in: 'query',
        schema: { type: 'string', uniqueItems: true },
      },
      {
        name: 'force',
        in: 'query',
        schema: { type: 'boolean', uniqueItems: true },
      },
    ],
    responses: { '200': { description: 'OK' } },
  };
}

function groupVersions(registry: KindRegistry) {
  const seen = new Map<string, { group: string; version: string }>();
  for (const k of registry.kinds) {
    for (const v of k.versions)
      seen.set(apiVersionOf(k.group, v), { group: k.group, version: v });
  }
  return [...seen.values()];
}

function gvPath(group: string, version: string) {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function hashOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).toUpperCase().padStart(8, '0').repeat(4);
}
