import { KubeConfig, V1Status } from '@kubernetes/client-node';
import { kubeConfigOptions } from '../kubeconfig';
import type { Sandbox } from '../sandbox';

export function kubeConfigFor(
  sandbox: Sandbox,
  cluster?: string,
  token?: string,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions(kubeConfigOptions(sandbox, cluster, { token }));
  return kc;
}

/** The Status body of a client-node ApiException (fails the test when there is none). */
export function statusOf(e: unknown): V1Status {
  let body = (e as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // Not JSON: reported below with the body.
    }
  }
  if (!body || typeof body !== 'object' || !('kind' in body)) {
    throw new Error(`expected a Status body, got ${JSON.stringify(body)}`);
  }
  return body as V1Status;
}

export async function eventually<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last;
    await new Promise(r => setTimeout(r, opts.intervalMs ?? 20));
  }
}

export const FAST = {
  podStartDelayMs: 30,
  podReadyDelayMs: 40,
  fluxReadyDelayMs: 30,
  bookmarkIntervalMs: 100,
};
