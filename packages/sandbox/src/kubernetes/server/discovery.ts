import { sendJson } from '../../framework/http';
import type { Handler, RequestContext, Router } from '../../framework/router';
import { KindRegistry, apiVersionOf, kindKey, verbsOf } from '../kinds';
import { openApiGroupVersion, openApiRoot } from '../openapi';
import { statusError } from '../status';
import { SCALABLE } from '../subresources';
import { notFound } from './context';

const GIT_VERSION = 'v1.31.4-gke.1000';

/** Wraps a handler with the server's bearer-token check. */
export type Authed = (h: Handler) => Handler;

/** Discovery: /version, /api, /apis, their groups and versions, and the OpenAPI v3 documents. */
export function addDiscoveryRoutes(
  r: Router,
  authed: Authed,
  registry: KindRegistry,
) {
  r.add(
    'GET',
    '/version',
    authed(ctx =>
      sendJson(ctx.res, 200, {
        major: '1',
        minor: '31',
        gitVersion: GIT_VERSION,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2025-01-01T00:00:00Z',
        goVersion: 'go1.22.10',
        compiler: 'gc',
        platform: 'linux/amd64',
      }),
    ),
  );
  r.add(
    'GET',
    '/api',
    authed(ctx =>
      sendJson(ctx.res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' },
        ],
      }),
    ),
  );
  r.add(
    'GET',
    '/apis',
    authed(ctx =>
      sendJson(ctx.res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: registry.groups().map(apiGroup),
      }),
    ),
  );
  r.add(
    'GET',
    '/api/:version',
    authed(ctx => resourceList(registry, ctx, '', ctx.params.version)),
  );
  r.add(
    'GET',
    '/apis/:group',
    authed(ctx => {
      const g = registry.groups().find(x => x.name === ctx.params.group);
      if (!g) notFound();
      sendJson(ctx.res, 200, {
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...apiGroup(g),
      });
    }),
  );
  r.add(
    'GET',
    '/apis/:group/:version',
    authed(ctx =>
      resourceList(registry, ctx, ctx.params.group, ctx.params.version),
    ),
  );
  const notServed = authed(ctx => {
    throw statusError(
      404,
      `the server could not find the requested resource (${ctx.path})`,
      'NotFound',
    );
  });
  // No v2 document: kubectl then uses its compiled-in patch metadata.
  r.add('GET', '/openapi/v2', notServed);
  r.add(
    'GET',
    '/openapi/v3',
    authed(ctx => sendJson(ctx.res, 200, openApiRoot(registry))),
  );
  const gvDoc = (core: boolean) =>
    authed(ctx => {
      const doc = openApiGroupVersion(
        registry,
        core ? '' : ctx.params.group,
        ctx.params.version,
      );
      if (!doc) notFound();
      sendJson(ctx.res, 200, doc);
    });
  r.add('GET', '/openapi/v3/api/:version', gvDoc(true));
  r.add('GET', '/openapi/v3/apis/:group/:version', gvDoc(false));
}

/** The APIResourceList of one group version, with the subresources it serves. */
function resourceList(
  registry: KindRegistry,
  ctx: RequestContext,
  group: string,
  version: string,
) {
  const kinds = registry.inGroupVersion(group, version);
  if (kinds.length === 0) notFound();
  const resources: unknown[] = [];
  for (const k of kinds) {
    resources.push({
      name: k.resource,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: verbsOf(k),
      ...(k.shortNames ? { shortNames: k.shortNames } : {}),
      ...(k.group === 'metrics.k8s.io' || k.review
        ? {}
        : {
            storageVersionHash: Buffer.from(kindKey(k))
              .toString('base64')
              .slice(0, 11),
          }),
    });
    if (SCALABLE.has(k.kind)) {
      resources.push({
        name: `${k.resource}/scale`,
        singularName: '',
        namespaced: k.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (k.kind === 'Pod') {
      resources.push({
        name: 'pods/log',
        singularName: '',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get'],
      });
    }
    if (k.status) {
      resources.push({
        name: `${k.resource}/status`,
        singularName: '',
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  sendJson(ctx.res, 200, {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources,
  });
}

/** An API group as discovery describes it, in APIGroupList and APIGroup alike. */
function apiGroup(g: { name: string; versions: string[] }) {
  return {
    name: g.name,
    versions: g.versions.map(v => ({
      groupVersion: `${g.name}/${v}`,
      version: v,
    })),
    preferredVersion: {
      groupVersion: `${g.name}/${g.versions[0]}`,
      version: g.versions[0],
    },
  };
}
