import type { Sandbox } from '@groundcrew/sandbox';

export interface ApiRequests {
  /** Requests other than watches: lists, gets, discovery. */
  nonWatch: number;
  /** Watch requests started. */
  watch: number;
  /** Non-watch requests by route, summed over the clusters. */
  routes: Record<string, number>;
}

/** Resets the request counters of every cluster of the sandbox. */
export async function resetCounters(sandbox: Sandbox): Promise<void> {
  await Promise.all(Object.values(sandbox.control).map(c => c.resetCounters()));
}

/** The requests every cluster of the sandbox counted since the last reset. */
export async function readCounters(sandbox: Sandbox): Promise<ApiRequests> {
  const all = await Promise.all(
    Object.values(sandbox.control).map(c => c.counters()),
  );
  const out: ApiRequests = { nonWatch: 0, watch: 0, routes: {} };
  for (const counters of all) {
    for (const [route, n] of Object.entries(counters.routes)) {
      if (route.endsWith('?watch')) {
        out.watch += n;
      } else {
        out.nonWatch += n;
        out.routes[route] = (out.routes[route] ?? 0) + n;
      }
    }
  }
  return out;
}
