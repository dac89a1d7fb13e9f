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
  /** Set when a `silentWatch` fault matched this request. */
  silentWatch?: boolean;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Segment {
  literal?: string;
  param?: string;
  /** Kept as `{param}` in the route key, rather than replaced by its value. */
  placeholder?: boolean;
  /**
   * A custom method after the captured value, as Google's APIs write them
   * (`{project}:getIamPolicy`): the segment must end with it.
   */
  suffix?: string;
  /** `{name+}`: captures this and every following segment (Vault's KV paths). */
  rest?: boolean;
}

export interface RouteOptions {
  /**
   * Whether the route changes state, for the read / mutation counters.
   * Default: every method but GET and HEAD mutates. Say so for a POST that
   * only reads (Google's `:getIamPolicy`, `:search`).
   */
  mutation?: boolean;
}

interface Route {
  method: string;
  segments: Segment[];
  handler: Handler;
  /** Absent: decided by the request's method. */
  mutation?: boolean;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  routeKey: string;
  /** Whether the matched route changes state. */
  mutation: boolean;
}

/** The default of {@link RouteOptions.mutation}: anything but GET and HEAD. */
export function isMutatingMethod(method: string): boolean {
  const m = method.toUpperCase();
  return m !== 'GET' && m !== 'HEAD';
}

/**
 * A router by method and path pattern. In a pattern, `:name` captures a
 * segment whose value appears in the route key (`/apis/:group/:version` counts
 * as `/apis/apps/v1`), `{name}` captures a segment that stays a placeholder in
 * the key (`/namespaces/{namespace}`), `{name}:verb` captures a segment that
 * ends with `:verb` (Google's custom methods), a last `{name+}` captures the
 * rest of the path (one or more segments, joined by `/`), anything else is a literal.
 * Routes are tried in the order they were added.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(
    method: string,
    pattern: string,
    handler: Handler,
    options: RouteOptions = {},
  ): this {
    const segments = splitPath(pattern).map((s): Segment => {
      if (s.startsWith(':')) return { param: s.slice(1) };
      const rest = /^\{([^}]+)\+\}$/.exec(s);
      if (rest) return { param: rest[1], placeholder: true, rest: true };
      const custom = /^\{([^}]+)\}(:[A-Za-z]+)?$/.exec(s);
      if (custom) {
        return { param: custom[1], placeholder: true, suffix: custom[2] };
      }
      return { literal: s };
    });
    this.routes.push({
      method: method.toUpperCase(),
      segments,
      handler,
      mutation: options.mutation,
    });
    return this;
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method && route.method !== '*') continue;
      const last = route.segments[route.segments.length - 1];
      if (last?.rest) {
        if (parts.length < route.segments.length) continue;
      } else if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const key: string[] = [];
      let ok = true;
      for (let i = 0; i < route.segments.length; i++) {
        const seg = route.segments[i];
        const part = parts[i];
        if (seg.rest) {
          params[seg.param!] = parts
            .slice(i)
            .map(p => decodeURIComponent(p))
            .join('/');
          key.push(`{${seg.param}+}`);
        } else if (seg.literal !== undefined) {
          if (seg.literal !== part) {
            ok = false;
            break;
          }
          key.push(part);
        } else if (seg.suffix) {
          if (part.length <= seg.suffix.length || !part.endsWith(seg.suffix)) {
            ok = false;
            break;
          }
          params[seg.param!] = decodeURIComponent(
            part.slice(0, -seg.suffix.length),
          );
          key.push(`{${seg.param}}${seg.suffix}`);
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
          mutation: route.mutation ?? isMutatingMethod(method),
        };
      }
    }
    return undefined;
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}
