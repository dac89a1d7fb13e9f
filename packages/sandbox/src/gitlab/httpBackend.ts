import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GIT_HTTP_BACKEND, gitEnv } from './git';

export interface HttpBackendRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The directory every repository path is relative to. */
  projectRoot: string;
  /** `/<namespace>/<project>.git/info/refs`, relative to `projectRoot`. */
  pathInfo: string;
  queryString: string;
  /** The authenticated user (git http-backend requires one for receive-pack). */
  remoteUser: string;
}

/**
 * Runs `git http-backend` as a CGI program for one smart-HTTP request: the
 * request body goes to its stdin, its CGI headers (`Status:` included) and body
 * become the response. Resolves when the response is finished.
 */
export function runHttpBackend(r: HttpBackendRequest): Promise<number> {
  const { req, res } = r;
  const env = gitEnv({
    GIT_PROJECT_ROOT: r.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REMOTE_USER: r.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    PATH_INFO: r.pathInfo,
    QUERY_STRING: r.queryString,
    REQUEST_METHOD: r.method,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    ...(req.headers['content-length']
      ? { CONTENT_LENGTH: req.headers['content-length'] }
      : {}),
    ...(req.headers['content-encoding']
      ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) }
      : {}),
    ...(req.headers['git-protocol']
      ? { GIT_PROTOCOL: String(req.headers['git-protocol']) }
      : {}),
  });
  return new Promise((resolve, reject) => {
    const child = spawn(GIT_HTTP_BACKEND, [], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.stdin.on('error', () => undefined);
    req.pipe(child.stdin);

    let head = Buffer.alloc(0);
    let status = 200;
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      let end = -1;
      let sepLen = 0;
      if (crlf >= 0 && (lf < 0 || crlf < lf)) {
        end = crlf;
        sepLen = 4;
      } else if (lf >= 0) {
        end = lf;
        sepLen = 2;
      }
      if (end < 0) return;
      headersDone = true;
      const headers: Record<string, string> = {};
      for (const line of head
        .subarray(0, end)
        .toString('latin1')
        .split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') {
          status = parseInt(value, 10) || 200;
        } else {
          headers[name] = value;
        }
      }
      res.writeHead(status, headers);
      const rest = head.subarray(end + sepLen);
      if (rest.length) res.write(rest);
    });
    child.on('close', code => {
      if (!headersDone) {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
        }
        res.end(`git http-backend failed (${code}): ${stderr.trim()}\n`);
        resolve(500);
        return;
      }
      res.end();
      resolve(status);
    });
  });
}
