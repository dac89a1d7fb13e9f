import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';

/** The part of a scaffolder action context a turn-up uses. */
export interface StepContext {
  logger: LoggerService;
  signal?: AbortSignal;
  isDryRun?: boolean;
  checkpoint<T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T>;
}

/** Polls `check` (200 ms doubling to 2 s) until it returns a value, the deadline or an abort. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; signal?: AbortSignal; onTimeout: () => Error },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + delay > deadline) throw options.onTimeout();
    await new Promise(r => setTimeout(r, delay));
    if (options.signal?.aborted) throw options.signal.reason;
  }
}
