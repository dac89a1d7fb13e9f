import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DeployBoard } from '@groundcrew/plugin-infra-common';
import type { Sandbox } from '@groundcrew/sandbox';
import { BoardFollower } from './boardEvents';
import { boardPods } from './pods';
import { openSseStream, SseEvent, SseStream } from './sse';
import { readCounters, resetCounters, ApiRequests } from './sandboxCounters';
import { summarize, LatencySummary } from './stats';

export interface PodRef {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * Sets a pod's Ready condition as the kubelet would, through the sandbox's control API (a
 * controller write: the watchers see a MODIFIED event).
 */
export async function setPodReady(
  sandbox: Sandbox,
  pod: PodRef,
  ready: boolean,
) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (type: string, status: boolean) => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: now,
    ...(status
      ? {}
      : {
          reason: 'ContainersNotReady',
          message: 'containers with unready status: [app]',
        }),
  });
  await sandbox.control[pod.cluster].applyObjects([
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.name, namespace: pod.namespace },
      status: {
        phase: 'Running',
        conditions: [
          cond('PodReadyToStartContainers', true),
          cond('Initialized', true),
          cond('Ready', ready),
          cond('ContainersReady', ready),
          cond('PodScheduled', true),
        ],
      },
    },
  ]);
}

/** Whether the board shows the pod with that readiness. */
export function boardShows(board: DeployBoard, pod: PodRef, ready: boolean) {
  return boardPods(board).some(
    p =>
      p.cluster === pod.cluster &&
      p.namespace === pod.namespace &&
      p.name === pod.name &&
      p.ready === ready,
  );
}

/** One pod per cluster (the first by name), to spread the changes over the fleet. */
export function podsToFlip(board: DeployBoard): PodRef[] {
  const byCluster = new Map<string, PodRef>();
  for (const p of boardPods(board)) {
    const current = byCluster.get(p.cluster);
    if (!current || p.name < current.name) {
      byCluster.set(p.cluster, {
        cluster: p.cluster,
        namespace: p.namespace,
        name: p.name,
      });
    }
  }
  return [...byCluster.values()];
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Update latency: with one live stream open, `flips` times set a pod's readiness (not ready, then
 * ready again, then the next cluster's pod …) and time from just before the write to the event
 * whose board shows it.
 */
export async function measureUpdateLatency(options: {
  sandbox: Sandbox;
  streamUrl: string;
  headers: Record<string, string>;
  pods: PodRef[];
  flips: number;
  timeoutMs: number;
}): Promise<LatencySummary> {
  const agent = new http.Agent({ keepAlive: true });
  let waiter:
    | { pod: PodRef; ready: boolean; done: (t: number) => void }
    | undefined;
  let boards = 0;
  const follower = new BoardFollower();
  const stream = openSseStream({
    url: options.streamUrl,
    headers: options.headers,
    agent,
    onEvent: event => {
      const at = performance.now();
      const board = follower.apply(event);
      if (!board) return;
      boards++;
      if (!waiter) return;
      if (boardShows(board, waiter.pod, waiter.ready)) {
        const w = waiter;
        waiter = undefined;
        w.done(at);
      }
    },
  });
  /** Resolves with the time the first board showing the pod so arrived. */
  const boardShowing = (pod: PodRef, ready: boolean) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(
          new Error(
            `no board showed ${pod.cluster}/${pod.name} ready=${ready} within ${options.timeoutMs} ms`,
          ),
        );
      }, options.timeoutMs);
      waiter = {
        pod,
        ready,
        done: t => {
          clearTimeout(timer);
          resolve(t);
        },
      };
    });
  const samples: number[] = [];
  try {
    await stream.opened;
    const firstDeadline = Date.now() + options.timeoutMs;
    while (boards === 0) {
      if (Date.now() > firstDeadline)
        throw new Error('the stream sent no first board');
      await sleep(20);
    }
    for (let i = 0; i < options.flips; i++) {
      const pod = options.pods[Math.floor(i / 2) % options.pods.length];
      const ready = i % 2 === 1;
      const seen = boardShowing(pod, ready);
      const before = performance.now();
      await setPodReady(options.sandbox, pod, ready);
      samples.push((await seen) - before);
      if (stream.error) throw stream.error;
      // Let the follow-up writes (ReplicaSet and Deployment status) pass before the next change.
      await sleep(250);
    }
  } finally {
    stream.close();
    agent.destroy();
  }
  return summarize(samples);
}

export interface ManyStreamsResult {
  streams: number;
  /** Non-watch and watch requests in the window with no stream open. */
  without: ApiRequests;
  /** The same with every stream open. */
  with: ApiRequests;
  /** Streams whose last board showed the change at the end of the window. */
  gotChange: number;
  /** Events after the first board of each stream, by type, and their bytes (`data` lines). */
  events: Record<string, { count: number; bytes: number }>;
  /** Time from the write until each stream got its next board, over the streams. */
  delivery: LatencySummary;
  openSeconds: number;
}

/**
 * Opens `count` live streams of one board, then changes one pod and holds `holdMs`: every stream
 * must get the change, and the API servers must see no more requests than with no stream open.
 */
export async function measureManyStreams(options: {
  sandbox: Sandbox;
  streamUrl: string;
  headers: Record<string, string>;
  count: number;
  pod: PodRef;
  holdMs: number;
  openTimeoutMs: number;
  onOpen?: () => void;
}): Promise<ManyStreamsResult> {
  const { sandbox, pod } = options;

  // The same window with no stream open: what the watch cache costs on its own.
  await resetCounters(sandbox);
  await setPodReady(sandbox, pod, false);
  await sleep(options.holdMs);
  const without = await readCounters(sandbox);
  await setPodReady(sandbox, pod, true);
  await sleep(500);

  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: options.count + 10,
  });
  // Each stream keeps its events as text and applies them only at the end: a thousand parsed
  // boards would not fit, and parsing in the window would time the bench rather than the server.
  const streams: Array<{
    stream: SseStream;
    received: SseEvent[];
    firstAfterWrite?: number;
  }> = [];
  let writeAt = Infinity;
  let received = 0;
  const events: ManyStreamsResult['events'] = {};
  const openOne = () => {
    const entry = { received: [] } as unknown as (typeof streams)[number];
    entry.stream = openSseStream({
      url: options.streamUrl,
      headers: options.headers,
      agent,
      onEvent: event => {
        if (event.event !== 'board' && event.event !== 'patch') return;
        const at = performance.now();
        if (entry.received.length === 0) {
          received++;
        } else {
          const kind = (events[event.event] ??= { count: 0, bytes: 0 });
          kind.count++;
          kind.bytes += event.data.length;
        }
        entry.received.push(event);
        if (at >= writeAt && entry.firstAfterWrite === undefined) {
          entry.firstAfterWrite = at - writeAt;
        }
      },
    });
    streams.push(entry);
    return entry.stream.opened;
  };
  const openStarted = performance.now();
  try {
    for (let i = 0; i < options.count; i += 100) {
      const batch = Array.from(
        { length: Math.min(100, options.count - i) },
        openOne,
      );
      await Promise.all(batch);
    }
    const deadline = Date.now() + options.openTimeoutMs;
    while (received < options.count) {
      const failed = streams.find(s => s.stream.error);
      if (failed) throw failed.stream.error;
      if (Date.now() > deadline) {
        throw new Error(
          `only ${received} of ${options.count} streams got their first board within ${options.openTimeoutMs} ms`,
        );
      }
      await sleep(50);
    }
    const openSeconds = (performance.now() - openStarted) / 1000;
    options.onOpen?.();
    await sleep(1000);

    await resetCounters(sandbox);
    writeAt = performance.now();
    await setPodReady(sandbox, pod, false);
    await sleep(options.holdMs);
    const withStreams = await readCounters(sandbox);

    let gotChange = 0;
    for (const s of streams) {
      if (s.stream.error) continue;
      const follower = new BoardFollower();
      for (const event of s.received) follower.apply(event);
      if (follower.board && boardShows(follower.board, pod, false)) gotChange++;
    }
    const delivery = summarize(
      streams
        .map(s => s.firstAfterWrite)
        .filter((t): t is number => t !== undefined),
    );
    return {
      streams: options.count,
      without,
      with: withStreams,
      gotChange,
      events,
      delivery,
      openSeconds,
    };
  } finally {
    for (const s of streams) s.stream.close();
    agent.destroy();
    await setPodReady(sandbox, pod, true).catch(() => undefined);
  }
}
