import type { ServerResponse } from 'node:http';
import YAML from 'yaml';
import { sendJson } from '../../framework/http';
import type { RequestContext } from '../../framework/router';
import type { ClusterState } from '../cluster';
import { fromEventsV1, toEventsV1 } from '../events';
import { KindInfo, KindRegistry, apiVersionOf } from '../kinds';
import { Matcher, parseFieldSelector, parseLabelSelector } from '../selectors';
import { badRequest, statusError } from '../status';
import { wantsTable, toTable } from '../tables';
import type { KubeObject } from '../types';
import type { KubernetesTimings } from './timings';

/** What the parts of the imitated kube-apiserver share: the cluster, its kinds, timings and open watches. */
export interface ServerContext {
  state: ClusterState;
  registry: KindRegistry;
  timings: KubernetesTimings;
  /** Open watch responses, ended on reset and stop. */
  watches: Set<ServerResponse>;
}

/** The request's label and field selectors as one matcher. */
export function matchers(q: URLSearchParams): Matcher {
  const label = parseLabelSelector(q.get('labelSelector'));
  const field = parseFieldSelector(q.get('fieldSelector'));
  return o => label(o) && field(o);
}

/** The object as served through `version` (the storage is shared across versions). */
export function present(
  info: KindInfo,
  version: string,
  obj: KubeObject,
): KubeObject {
  const apiVersion = apiVersionOf(info.group, version);
  if (info.storage && info.group === 'events.k8s.io')
    return toEventsV1(obj, apiVersion);
  return obj.apiVersion === apiVersion && obj.kind === info.kind
    ? obj
    : { ...obj, apiVersion, kind: info.kind };
}

/** Sends one object as served through `version`, as a Table when the client asks for one. */
export function send(
  s: ServerContext,
  ctx: RequestContext,
  status: number,
  info: KindInfo,
  version: string,
  obj: KubeObject,
) {
  const shown = present(info, version, obj);
  if (wantsTable(ctx.req.headers.accept)) {
    sendJson(
      ctx.res,
      status,
      toTable(info, [shown], String(s.state.store.resourceVersion)),
    );
    return;
  }
  sendJson(ctx.res, status, shown);
}

/** The request body as JSON or YAML (by its content type). */
export async function readObject(ctx: RequestContext): Promise<unknown> {
  const text = (await ctx.body()).toString('utf8');
  const type = String(ctx.req.headers['content-type'] ?? '');
  try {
    return type.includes('yaml') ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

/** A written object as stored: events.k8s.io/v1 Events are kept as core/v1 ones. */
export function stored(
  s: ServerContext,
  info: KindInfo,
  version: string,
  body: unknown,
) {
  if (info.storage && info.group === 'events.k8s.io') {
    return {
      info: s.state.kind('v1', 'Event'),
      version: 'v1',
      body: fromEventsV1(body),
    };
  }
  return { info, version, body };
}

/** The real server's default field manager: the user agent up to the first '/'. */
export function managerFromAgent(ctx: RequestContext): string {
  return String(ctx.req.headers['user-agent'] ?? '').split('/')[0] || 'unknown';
}

export function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === '1' || w === 'true';
}

/** 404 as the real server says it for a path it does not serve. */
export function notFound(): never {
  throw statusError(
    404,
    'the server could not find the requested resource',
    'NotFound',
  );
}

/** 405 as the real server says it for a method a resource does not allow. */
export function methodNotAllowed(): never {
  throw statusError(
    405,
    'the server does not allow this method on the requested resource',
    'MethodNotAllowed',
  );
}
