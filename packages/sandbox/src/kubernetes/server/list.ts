import { sendJson } from '../../framework/http';
import type { RequestContext } from '../../framework/router';
import { KindInfo, apiVersionOf } from '../kinds';
import { podMetricsFor } from '../metrics';
import { badRequest, statusError } from '../status';
import { TableListMeta, wantsTable, toTable } from '../tables';
import type { KubeObject } from '../types';
import { ServerContext, matchers, present } from './context';

/** A list of one kind: selectors, resourceVersion semantics, limit and continue, or a Table. */
export function list(
  s: ServerContext,
  ctx: RequestContext,
  info: KindInfo,
  version: string,
  ns: string | undefined,
) {
  const q = ctx.query;
  const rvParam = q.get('resourceVersion');
  const store = s.state.store;
  if (rvParam && rvParam !== '0') {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv))
      throw badRequest(`invalid resource version "${rvParam}"`);
    if (
      q.get('resourceVersionMatch') === 'Exact' &&
      rv < store.oldestWatchableVersion
    ) {
      throw statusError(
        410,
        `too old resource version: ${rv} (${store.oldestWatchableVersion})`,
        'Expired',
      );
    }
    if (rv > store.resourceVersion) {
      throw statusError(
        504,
        `Timeout: Too large resource version: ${rv}, current: ${store.resourceVersion}`,
        'Timeout',
        { retryAfterSeconds: 1 } as never,
      );
    }
  }
  const match = matchers(q);
  let items = store.list(info, ns).filter(match);
  const listMeta: TableListMeta = {
    resourceVersion: String(store.resourceVersion),
  };
  const cont = q.get('continue');
  if (cont) {
    let after: { k: string; rv: number };
    try {
      after = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8'));
    } catch {
      throw badRequest('continue key is not valid');
    }
    if (after.rv < store.oldestWatchableVersion) {
      throw statusError(
        410,
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.',
        'Expired',
      );
    }
    items = items.filter(
      o => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after.k,
    );
    listMeta.resourceVersion = String(after.rv);
  }
  const limit = Number(q.get('limit') ?? 0);
  if (limit > 0 && items.length > limit) {
    const last = items[limit - 1];
    listMeta.continue = Buffer.from(
      JSON.stringify({
        k: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
        rv: Number(listMeta.resourceVersion),
      }),
    ).toString('base64url');
    listMeta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  const apiVersion = apiVersionOf(info.group, version);
  if (wantsTable(ctx.req.headers.accept)) {
    sendJson(ctx.res, 200, toTable(info, items, listMeta));
    return;
  }
  sendJson(ctx.res, 200, {
    kind: `${info.kind}List`,
    apiVersion,
    metadata: listMeta,
    items: items.map(o => {
      if (info.crd) return present(info, version, o);
      // Built-in lists carry their items without kind and apiVersion.
      const { kind: _k, apiVersion: _a, ...rest } = present(info, version, o);
      return rest;
    }),
  });
}

/** DELETE on a collection: deletes what the selectors match and answers with the deleted list. */
export function deleteCollection(
  s: ServerContext,
  ctx: RequestContext,
  info: KindInfo,
  version: string,
  ns: string | undefined,
) {
  const match = matchers(ctx.query);
  const doomed = s.state.store.list(info, ns).filter(match);
  const gone = doomed.map(o =>
    s.state.delete(info, o.metadata.namespace ?? '', o.metadata.name!),
  );
  sendJson(ctx.res, 200, {
    kind: `${info.kind}List`,
    apiVersion: apiVersionOf(info.group, version),
    metadata: { resourceVersion: String(s.state.store.resourceVersion) },
    items: gone.map(o => present(info, version, o)),
  });
}

/** A derived (not stored) kind: PodMetrics computed from the pods, one or a list. */
export function derived(
  s: ServerContext,
  ctx: RequestContext,
  info: KindInfo,
  version: string,
  ns: string | undefined,
  name: string | undefined,
) {
  const podInfo = s.state.kind('v1', 'Pod');
  const match = matchers(ctx.query);
  const pods =
    name !== undefined
      ? [s.state.get(podInfo, ns ?? '', name)]
      : s.state.store.list(podInfo, ns).filter(match);
  const metrics = pods
    .map(p => podMetricsFor(p))
    .filter((m): m is KubeObject => !!m);
  if (name !== undefined) {
    if (!metrics[0])
      throw statusError(
        404,
        `podmetrics.metrics.k8s.io "${name}" not found`,
        'NotFound',
      );
    sendJson(ctx.res, 200, metrics[0]);
    return;
  }
  sendJson(ctx.res, 200, {
    kind: 'PodMetricsList',
    apiVersion: apiVersionOf(info.group, version),
    metadata: {},
    items: metrics,
  });
}
