import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

export interface TimedResponse {
  status: number;
  /** From sending the request to the last byte of the body. */
  ms: number;
  bytes: number;
  /** The body, when asked for with `keepBody`, decompressed if it came gzipped. */
  body?: Buffer;
}

export interface RequestOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  agent: http.Agent;
  timeoutMs: number;
  keepBody?: boolean;
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  return encoding === 'gzip' ? gunzipSync(body) : body;
}

/** One HTTP request, timed to the end of the body; rejects on a network error or timeout. */
export function timedRequest(options: RequestOptions): Promise<TimedResponse> {
  const payload =
    options.json === undefined
      ? undefined
      : Buffer.from(JSON.stringify(options.json));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      options.url,
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        headers: {
          ...options.headers,
          ...(payload
            ? {
                'Content-Type': 'application/json',
                'Content-Length': String(payload.length),
              }
            : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (options.keepBody) chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            bytes,
            body: options.keepBody
              ? decode(Buffer.concat(chunks), res.headers['content-encoding'])
              : undefined,
          }),
        );
      },
    );
    req.setTimeout(options.timeoutMs, () =>
      req.destroy(
        new Error(
          `${options.method ?? 'GET'} ${options.url} took over ${
            options.timeoutMs
          } ms`,
        ),
      ),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like timedRequest, and parses the body as JSON; rejects unless the status is 2xx. */
export async function requestJson<T>(
  options: Omit<RequestOptions, 'keepBody'>,
): Promise<{ response: TimedResponse; value: T }> {
  const response = await timedRequest({ ...options, keepBody: true });
  const text = response.body!.toString('utf8');
  if (response.status < 200 || response.status >= 300) {
    throw new Error(
      `${options.method ?? 'GET'} ${options.url} answered ${
        response.status
      }: ${text.slice(0, 300)}`,
    );
  }
  return { response, value: JSON.parse(text) as T };
}
