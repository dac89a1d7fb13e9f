import { sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import type { ClusterState } from './cluster';
import { PATCH_TYPES } from './cluster';
import type { KindInfo } from './kinds';
import { isPlainObject, jsonPatch, mergePatch } from './patch';
import { badRequest, statusError } from './status';
import type { KubeObject, Pod } from './types';

/** What a scalable kind's spec and status hold for its `scale` subresource. */
interface Scalable extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
  };
  status?: { replicas?: number };
}

/** Kinds with a `scale` subresource (kubectl scale, HPA). */
export const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

function selectorString(obj: Scalable): string {
  const labels = obj.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function toScale(obj: Scalable): KubeObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 1 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: selectorString(obj),
    },
  };
}

/** GET / PUT / PATCH `…/{name}/scale` (autoscaling/v1 Scale). */
export async function handleScale(opts: {
  ctx: RequestContext;
  state: ClusterState;
  info: KindInfo;
  namespace: string;
  name: string;
  manager: string;
}): Promise<void> {
  const { ctx, state, info, namespace, name, manager } = opts;
  const current = state.get(info, namespace, name);
  if (ctx.method === 'GET') {
    sendJson(ctx.res, 200, toScale(current));
    return;
  }
  const text = (await ctx.body()).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
  let scale: unknown;
  if (ctx.method === 'PUT') {
    scale = body;
  } else if (ctx.method === 'PATCH') {
    const type = String(ctx.req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    scale =
      type === PATCH_TYPES.json
        ? jsonPatch(toScale(current), body)
        : mergePatch(toScale(current), body);
  } else {
    throw statusError(
      405,
      'the server does not allow this method on the requested resource',
      'MethodNotAllowed',
    );
  }
  const replicas =
    isPlainObject(scale) && isPlainObject(scale.spec)
      ? scale.spec.replicas
      : undefined;
  if (
    typeof replicas !== 'number' ||
    replicas < 0 ||
    !Number.isInteger(replicas)
  ) {
    throw statusError(
      422,
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(
        replicas,
      )}: must be greater than or equal to 0`,
      'Invalid',
      {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.replicas',
            message: `Invalid value: ${JSON.stringify(
              replicas,
            )}: must be greater than or equal to 0`,
          },
        ],
      },
    );
  }
  const updated = state.patch(
    info,
    namespace,
    name,
    PATCH_TYPES.merge,
    JSON.stringify({ spec: { replicas } }),
    { manager },
  );
  sendJson(ctx.res, 200, toScale(updated));
}

/** GET `pods/{name}/log`: a few plausible lines, as text. */
export function handleLog(opts: {
  ctx: RequestContext;
  state: ClusterState;
  info: KindInfo;
  namespace: string;
  name: string;
}): void {
  const { ctx, state, info, namespace, name } = opts;
  const pod: Pod = state.get(info, namespace, name);
  const containers = (pod.spec?.containers ?? []).map(c => String(c.name));
  const container = ctx.query.get('container') ?? containers[0];
  if (!containers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const start =
    Date.parse(
      String(pod.status?.startTime ?? pod.metadata.creationTimestamp),
    ) || Date.now();
  const lines = [
    {
      msg: 'starting',
      image: pod.spec!.containers.find(c => c.name === container)?.image,
    },
    { msg: 'listening', port: 8080 },
    { msg: 'ready' },
    { msg: 'GET /healthz/ready 200', duration_ms: 1 },
  ].map((l, i) =>
    JSON.stringify({
      time: new Date(start + i * 1000).toISOString(),
      level: 'info',
      pod: name,
      ...l,
    }),
  );
  const tail = Number(ctx.query.get('tailLines') ?? 0);
  const text = `${(tail > 0 ? lines.slice(-tail) : lines).join('\n')}\n`;
  ctx.res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(text),
  });
  ctx.res.end(text);
}
