import { sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import type { TlsMaterial } from '../framework/tls';
import { EnumStyle, enumStyleOf } from './enums';
import { errorInfo, gcpError } from './errors';
import type { OperationRunner } from './operations';
import type { GcpStore } from './store';
import type { GcpPrincipal } from './types';

/**
 * Where the GCP imitation starts and stops the Kubernetes imitations of the
 * clusters it creates. `startSandbox` provides it; the GCP server knows
 * nothing of the sandbox beyond this.
 */
export interface GcpClusterHost {
  /** The live Kubernetes imitation of that name, if any. */
  lookup(name: string): { url: string } | undefined;
  /**
   * Starts a Kubernetes imitation (namespaces `default` and `kube-system`)
   * that accepts the sandbox's Kubernetes token and presents the sandbox CA.
   * `port` is a preference, used when free.
   */
  start(spec: {
    name: string;
    labels: Record<string, string>;
    port?: number;
  }): Promise<{ url: string }>;
  /** Stops it and forgets it. */
  stop(name: string): Promise<void>;
}

/** What the handlers of every GCP API share. */
export interface GcpApi {
  store: GcpStore;
  operations: OperationRunner;
  tls: TlsMaterial;
  clusterHost?: GcpClusterHost;
}

/** One authenticated call. */
export interface GcpCall {
  ctx: RequestContext;
  principal: GcpPrincipal;
  /** Enums as numbers or names, as the request asked. */
  style: EnumStyle;
}

export interface GcpRoute {
  method: string;
  pattern: string;
  handler: (call: GcpCall) => Promise<void> | void;
  /** For the counters: default by method; Google's read-only POSTs say `false`. */
  mutation?: boolean;
}

const AUTH_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** The principal of the request's bearer token; 401 UNAUTHENTICATED otherwise. */
export function authenticate(
  ctx: RequestContext,
  store: GcpStore,
): GcpPrincipal {
  const header = String(ctx.req.headers.authorization ?? '');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw gcpError(
      'UNAUTHENTICATED',
      `Request is missing required authentication credential. ${AUTH_HELP}`,
      [errorInfo('CREDENTIALS_MISSING', 'googleapis.com')],
    );
  }
  const principal = store.principal(match[1]);
  if (!principal) {
    throw gcpError(
      'UNAUTHENTICATED',
      `Request had invalid authentication credentials. ${AUTH_HELP}`,
      [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', 'googleapis.com')],
    );
  }
  return principal;
}

export function callOf(ctx: RequestContext, principal: GcpPrincipal): GcpCall {
  return { ctx, principal, style: enumStyleOf(ctx.query) };
}

/** The JSON body as an object ({} when empty); 400 as Google words it otherwise. */
export async function readJson(
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  const text = (await ctx.body()).toString('utf8');
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw gcpError(
      'INVALID_ARGUMENT',
      `Invalid JSON payload received. ${(e as Error).message}`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw gcpError(
      'INVALID_ARGUMENT',
      'Invalid JSON payload received. Expected an object.',
    );
  }
  return value as Record<string, unknown>;
}

export function send(call: GcpCall, body: unknown): void {
  sendJson(call.ctx.res, 200, body);
}

/** A page of `items` by `pageSize` / `pageToken` (opaque: an offset). */
export function page<T>(
  items: T[],
  query: URLSearchParams,
  opts: { defaultSize: number; maxSize: number },
): { items: T[]; nextPageToken: string } {
  const token = query.get('pageToken') ?? '';
  let offset = 0;
  if (token) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString());
      offset = Number(parsed.o);
    } catch {
      offset = NaN;
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw gcpError('INVALID_ARGUMENT', 'Invalid page token.');
    }
  }
  const requested = Number(query.get('pageSize') ?? 0);
  const size =
    requested > 0 ? Math.min(requested, opts.maxSize) : opts.defaultSize;
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? offset + size : undefined;
  return {
    items: slice,
    nextPageToken:
      next === undefined
        ? ''
        : Buffer.from(JSON.stringify({ o: next })).toString('base64url'),
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
