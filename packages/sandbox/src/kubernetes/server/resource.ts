import { sendJson } from '../../framework/http';
import type { RequestContext } from '../../framework/router';
import { checkPatchType } from '../cluster';
import { eventsV1FieldSelector } from '../events';
import { apiVersionOf } from '../kinds';
import { answerReview } from '../reviews';
import { statusError } from '../status';
import { handleLog, handleScale, SCALABLE } from '../subresources';
import {
  ServerContext,
  isWatch,
  managerFromAgent,
  methodNotAllowed,
  notFound,
  readObject,
  send,
} from './context';
import { derived, list } from './list';
import { watch } from './watch';
import { writeResource } from './write';

/** A request on a resource path: reviews, subresources, derived kinds, get/list/watch and writes. */
export async function serveResource(s: ServerContext, ctx: RequestContext) {
  const {
    group = '',
    version,
    resource,
    namespace,
    name,
    subresource,
  } = ctx.params;
  const info = s.registry.byPath(group, version, resource);
  if (!info) notFound();
  if (info.namespaced === false && namespace !== undefined) notFound();
  if (info.review) {
    if (ctx.method !== 'POST' || name !== undefined || namespace !== undefined)
      methodNotAllowed();
    const review = answerReview(
      info,
      apiVersionOf(info.group, version),
      await readObject(ctx),
    );
    return sendJson(ctx.res, 201, review);
  }
  if (ctx.method === 'PATCH' && !info.derived)
    checkPatchType(info, String(ctx.req.headers['content-type'] ?? ''));
  if (subresource === 'scale' && SCALABLE.has(info.kind) && name) {
    return handleScale({
      ctx,
      state: s.state,
      info,
      namespace: namespace ?? '',
      name,
      manager: ctx.query.get('fieldManager') ?? managerFromAgent(ctx),
    });
  }
  if (
    subresource === 'log' &&
    info.kind === 'Pod' &&
    name &&
    ctx.method === 'GET'
  ) {
    return handleLog({
      ctx,
      state: s.state,
      info,
      namespace: namespace ?? '',
      name,
    });
  }
  if (subresource !== undefined && !(subresource === 'status' && info.status))
    notFound();
  const ns = info.namespaced ? namespace : undefined;
  const q = ctx.query;
  if (info.storage && info.group === 'events.k8s.io') {
    // Same objects as core/v1 Events: select on the stored (core) field names.
    const selector = eventsV1FieldSelector(q.get('fieldSelector'));
    if (selector) q.set('fieldSelector', selector);
    if (ctx.method === 'PATCH')
      throw statusError(
        405,
        'the imitation serves events.k8s.io/v1 Events read-only apart from create, update and delete; patch them through core/v1',
        'MethodNotAllowed',
      );
  }

  if (info.derived) {
    if (ctx.method !== 'GET' || isWatch(q)) methodNotAllowed();
    return derived(s, ctx, info, version, ns, name);
  }

  if (ctx.method === 'GET') {
    if (name !== undefined) {
      const obj = s.state.get(info, ns ?? '', name);
      return send(s, ctx, 200, info, version, obj);
    }
    if (isWatch(q)) return watch(s, ctx, info, version, ns);
    return list(s, ctx, info, version, ns);
  }
  return writeResource(s, ctx, { info, version, ns, name, subresource });
}
