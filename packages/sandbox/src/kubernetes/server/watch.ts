import type { RequestContext } from '../../framework/router';
import { KindInfo, apiVersionOf, kindKey } from '../kinds';
import { failureStatus } from '../status';
import type { StoreEvent } from '../store';
import { wantsTable, toTable } from '../tables';
import type { KubeObject } from '../types';
import { ServerContext, matchers, present } from './context';

/** A watch of one kind: from now, from a resourceVersion (or 410), bookmarks, the server's timeout. */
export function watch(
  s: ServerContext,
  ctx: RequestContext,
  info: KindInfo,
  version: string,
  ns: string | undefined,
) {
  const { res, query: q } = ctx;
  const store = s.state.store;
  const match = matchers(q);
  const kk = kindKey(info);
  const table = wantsTable(ctx.req.headers.accept);
  const rvParam = q.get('resourceVersion');

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  if (ctx.dropWatch) {
    const t = setTimeout(() => res.destroy(), 20);
    t.unref();
    return;
  }
  if (ctx.silentWatch) {
    // Open until the client gives up (or the sandbox resets or stops): nothing is ever written.
    s.watches.add(res);
    res.on('close', () => s.watches.delete(res));
    return;
  }

  const write = (type: string, object: unknown) => {
    if (!res.writableEnded && !res.destroyed)
      res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const emit = (type: string, obj: KubeObject) => {
    const shown = present(info, version, obj);
    write(
      type,
      table
        ? toTable(info, [shown], shown.metadata.resourceVersion ?? '', true)
        : shown,
    );
  };
  const deliver = (ev: StoreEvent) => {
    if (ev.kind !== kk) return;
    if (ns !== undefined && (ev.object.metadata.namespace ?? '') !== ns) return;
    const now = match(ev.object);
    if (ev.type === 'MODIFIED') {
      const before = ev.old ? match(ev.old) : true;
      if (now && before) emit('MODIFIED', ev.object);
      else if (now) emit('ADDED', ev.object);
      else if (before) emit('DELETED', ev.object);
      return;
    }
    if (now) emit(ev.type, ev.object);
  };

  if (!rvParam || rvParam === '0') {
    for (const o of store.list(info, ns)) if (match(o)) emit('ADDED', o);
  } else {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv)) {
      write(
        'ERROR',
        failureStatus(
          400,
          `invalid resource version "${rvParam}"`,
          'BadRequest',
        ),
      );
      res.end();
      return;
    }
    const events = store.eventsSince(rv, kk);
    if (!events) {
      write(
        'ERROR',
        failureStatus(
          410,
          `too old resource version: ${rv} (${store.oldestWatchableVersion})`,
          'Expired',
        ),
      );
      res.end();
      return;
    }
    events.forEach(deliver);
  }

  const unsubscribe = store.subscribe(deliver);
  s.watches.add(res);
  const timers: NodeJS.Timeout[] = [];
  if (
    q.get('allowWatchBookmarks') === 'true' ||
    q.get('allowWatchBookmarks') === '1'
  ) {
    const t = setInterval(() => {
      write('BOOKMARK', {
        kind: info.kind,
        apiVersion: apiVersionOf(info.group, version),
        metadata: { resourceVersion: String(store.resourceVersion) },
      });
    }, s.timings.bookmarkIntervalMs);
    t.unref();
    timers.push(t);
  }
  const requested = Number(q.get('timeoutSeconds') ?? 0);
  const timeoutSeconds =
    requested > 0
      ? Math.min(requested, s.timings.watchTimeoutSeconds)
      : s.timings.watchTimeoutSeconds;
  const end = setTimeout(() => res.end(), timeoutSeconds * 1000);
  end.unref();
  timers.push(end);
  res.on('close', () => {
    unsubscribe();
    timers.forEach(t => clearTimeout(t));
    s.watches.delete(res);
  });
}
