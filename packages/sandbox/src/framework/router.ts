import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler gets for one request. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** The normalised route the request was counted under. */
  routeKey: string;
  /** Reads the whole request body (once). */
  body(): Promise<Buffer>;
  /** Set when a `dropWatch` fault matched this request. */
  dropWatch?: boolean;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Segment {
  literal?: string;
  param?: string;
  /** Kept as `{param}` in the route key, rather than replaced by its value. */
  placeholder?: boolean;
}

interface Route {
  method: string;
  segments: Segment[];
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  routeKey: string;
}

/**
 * A router by method and path pattern. In a pattern, `:name` captures a
 * segment whose value appears in the route key (`/apis/:group/:version` counts
 * as `/apis/apps/v1`), `{name}` captures a segment that stays a placeholder in
 * the key (`/namespaces/{namespace}`), anything else is a literal.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const segments = splitPath(pattern).map((s): Segment => {
      if (s.startsWith(':')) return { param: s.slice(1) };
      if (s.startsWith('{') && s.endsWith('}')) {
        return { param: s.slice(1, -1), placeholder: true };
      }
      return { literal: s };
    });
    this.routes.push({ method: method.toUpperCase(), segments, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method && route.method !== '*') continue;
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const key: string[] = [];
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        const part = parts[i];
        if (seg.literal !== undefined) {
          if (seg.literal !== part) {
            ok = false;
            break;
          }
          key.push(part);
        } else {
          params[seg.param!] = decodeURIComponent(part);
          key.push(seg.placeholder ? `{${seg.param}}` : part);
        }
      }
      if (ok) {
        return {
          handler: route.handler,
          params,
          routeKey: `${method} /${key.join('/')}`,
        };
      }
    }
    return undefined;
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}
