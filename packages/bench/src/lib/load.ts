import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize, LatencySummary } from './stats';
import { RequestOptions, timedRequest } from './http';

export interface LoadResult {
  loads: number;
  seconds: number;
  /** Completed loads per second. */
  throughput: number;
  latency: LatencySummary;
  meanBytes: number;
}

type PageLoad = Omit<RequestOptions, 'agent' | 'keepBody'>;

async function one(load: PageLoad, agent: http.Agent) {
  const r = await timedRequest({ ...load, agent });
  if (r.status !== 200) {
    throw new Error(`${load.method ?? 'GET'} ${load.url} answered ${r.status}`);
  }
  return r;
}

function result(samples: number[], bytes: number, started: number): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  return {
    loads: samples.length,
    seconds,
    throughput: samples.length / seconds,
    latency: summarize(samples),
    meanBytes: samples.length ? bytes / samples.length : 0,
  };
}

/** `count` page loads one after the other, over one keep-alive connection. */
export function sequentialLoads(
  load: PageLoad,
  count: number,
): Promise<LoadResult> {
  return concurrentLoads(load, {
    clients: 1,
    seconds: Infinity,
    maxLoads: count,
  });
}

/**
 * `clients` clients, each loading the page again as soon as its last load finished, until
 * `seconds` have passed (a load under way then is finished and counted) or `maxLoads` are done.
 */
export async function concurrentLoads(
  load: PageLoad,
  options: { clients: number; seconds: number; maxLoads: number },
): Promise<LoadResult> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.clients,
  });
  const samples: number[] = [];
  let bytes = 0;
  const started = performance.now();
  const end = started + options.seconds * 1000;
  let launched = 0;
  try {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (performance.now() < end && launched < options.maxLoads) {
          launched++;
          const r = await one(load, agent);
          samples.push(r.ms);
          bytes += r.bytes;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return result(samples, bytes, started);
}
