import { sendJson } from '../../framework/http';
import type { RequestContext } from '../../framework/router';
import { PATCH_TYPES, WriteOptions } from '../cluster';
import type { KindInfo } from '../kinds';
import { checkDecodable } from '../validation';
import {
  ServerContext,
  managerFromAgent,
  methodNotAllowed,
  readObject,
  send,
  stored,
} from './context';
import { deleteCollection } from './list';

/** The resource a request is about: kind, the version it came through, namespace, name. */
export interface ResourceTarget {
  info: KindInfo;
  version: string;
  ns: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** POST, PUT, PATCH and DELETE of a resource (DELETE without a name: of the collection). */
export async function writeResource(
  s: ServerContext,
  ctx: RequestContext,
  t: ResourceTarget,
) {
  const { info, version, ns, name, subresource } = t;
  const q = ctx.query;
  const dryRun = q.getAll('dryRun').includes('All');
  const manager = q.get('fieldManager') ?? undefined;
  const defaultManager = manager ?? managerFromAgent(ctx);
  const writeOpts: WriteOptions = {
    version,
    dryRun,
    subresource,
    manager: defaultManager,
  };

  switch (ctx.method) {
    case 'POST': {
      if (name !== undefined) methodNotAllowed();
      const body = await readObject(ctx);
      checkDecodable(info, version, body);
      const st = stored(s, info, version, body);
      const created = s.state.create(st.info, st.body, ns, {
        ...writeOpts,
        version: st.version,
      });
      return send(s, ctx, 201, info, version, created);
    }
    case 'PUT': {
      if (name === undefined) methodNotAllowed();
      const body = await readObject(ctx);
      checkDecodable(info, version, body);
      const st = stored(s, info, version, body);
      const updated = s.state.update(st.info, st.body, ns ?? '', name, {
        ...writeOpts,
        version: st.version,
      });
      return send(s, ctx, 200, info, version, updated);
    }
    case 'PATCH': {
      if (name === undefined) methodNotAllowed();
      const contentType = String(ctx.req.headers['content-type'] ?? '');
      const body = (await ctx.body()).toString('utf8');
      const existed = !!s.state.store.get(info, ns ?? '', name);
      const patched = s.state.patch(info, ns ?? '', name, contentType, body, {
        ...writeOpts,
        // Apply needs an explicit fieldManager; other patches default like the real server.
        manager: contentType.startsWith(PATCH_TYPES.apply)
          ? manager
          : defaultManager,
        force: q.get('force') === 'true',
      });
      return send(s, ctx, existed ? 200 : 201, info, version, patched);
    }
    case 'DELETE': {
      if (name === undefined)
        return deleteCollection(s, ctx, info, version, ns);
      const gone = s.state.delete(info, ns ?? '', name, { dryRun });
      if (info.kind === 'Pod') {
        const shown = {
          ...gone,
          metadata: {
            ...gone.metadata,
            deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            deletionGracePeriodSeconds: 0,
          },
        };
        return send(s, ctx, 200, info, version, shown);
      }
      return sendJson(ctx.res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          group: info.group || undefined,
          kind: info.resource,
          uid: gone.metadata.uid,
        },
      });
    }
    default:
      return methodNotAllowed();
  }
}
