import https from 'node:https';
import type { FaultSpec } from './framework/faults';

export type { FaultSpec } from './framework/faults';

/**
 * Request counts per normalised route (`GET /api/v1/pods`, `GET /api/v1/pods?watch`,
 * `POST /v3/projects`), and in total as reads and mutations.
 */
export interface SandboxCounters {
  total: number;
  /** Requests to routes that do not change state (GET, watch, Google's `:getIamPolicy`). */
  reads: number;
  /** Requests to routes that may change state (POST, PUT, PATCH, DELETE, Google's `:setIamPolicy`). */
  mutations: number;
  routes: Record<string, number>;
}

export interface SandboxControlOptions {
  /** Base URL of the server's control listener (or its protocol listener). */
  url: string;
  /** PEM of the sandbox CA. */
  caPem: string;
}

/**
 * A typed client of one imitation server's control API (`/_sandbox/...`).
 * It talks to the control listener, which stays up while the server is down.
 */
export class SandboxControl {
  constructor(private readonly options: SandboxControlOptions) {}

  get url(): string {
    return this.options.url;
  }

  /** Injects a fault for the next `count` (default 1) matching requests. */
  async injectFault(fault: FaultSpec | FaultSpec[]): Promise<void> {
    await this.call('POST', '/_sandbox/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_sandbox/faults');
  }

  async counters(): Promise<SandboxCounters> {
    return (await this.call('GET', '/_sandbox/counters')) as SandboxCounters;
  }

  /** The count for one route key, 0 when never called. */
  async count(routeKey: string): Promise<number> {
    return (await this.counters()).routes[routeKey] ?? 0;
  }

  async resetCounters(): Promise<void> {
    await this.call('DELETE', '/_sandbox/counters');
  }

  /** Back to the loaded fixture; faults are cleared, open watches are closed. */
  async reset(): Promise<void> {
    await this.call('POST', '/_sandbox/reset');
  }

  /**
   * Loads objects. With `replace: true` they become the fixture that `reset`
   * returns to; otherwise they are added to the current state.
   */
  async loadFixture(
    objects: unknown[],
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    await this.call('POST', '/_sandbox/fixture', {
      objects,
      replace: opts.replace ?? false,
    });
  }

  /**
   * Writes objects as a controller would (status included): merged into the
   * existing object, or created. For tests that must set, say, a pod's phase.
   */
  async applyObjects(objects: unknown[]): Promise<unknown[]> {
    const out = (await this.call('POST', '/_sandbox/objects', { objects })) as {
      objects: unknown[];
    };
    return out.objects;
  }

  /** Makes the server unreachable: `refuse` connections (default) or `hang`. */
  async down(
    opts: { mode?: 'refuse' | 'hang'; forMs?: number } = {},
  ): Promise<void> {
    await this.call('POST', '/_sandbox/down', opts);
  }

  async up(): Promise<void> {
    await this.call('POST', '/_sandbox/up');
  }

  protected call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const url = new URL(path, this.options.url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.options.caPem,
          agent: false,
          headers: {
            Accept: 'application/json',
            ...(payload
              ? {
                  'Content-Type': 'application/json',
                  'Content-Length': Buffer.byteLength(payload),
                }
              : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 400) {
              reject(
                new Error(
                  `sandbox control ${method} ${path} failed with ${res.statusCode}: ${text}`,
                ),
              );
              return;
            }
            try {
              resolve(text ? JSON.parse(text) : undefined);
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}
