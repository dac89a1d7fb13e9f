import { performance } from 'node:perf_hooks';
import type { BackendProcess } from './backendProcess';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * The memory of an idle backend once it has settled. V8 keeps the heap it grew while listing until
 * its memory reducer, which an idle server runs some seconds after a full collection, gives it back.
 * So: one full collection (the backends run with --expose-gc, which changes nothing else), then a
 * sample every 2 s until the heap is back near what it holds (total ≤ 1.15 × used) and RSS moved
 * less than 2 MB over 4 s; at most 60 s.
 */
export async function settledMemory(backend: BackendProcess) {
  await backend.heap({ collectGarbage: true });
  const started = performance.now();
  const rss: number[] = [];
  for (;;) {
    await sleep(2_000);
    const heap = await backend.heap();
    const memory = backend.memory();
    rss.push(memory.rssMb);
    const last = rss.slice(-3);
    const waited = performance.now() - started;
    const settled =
      heap.heapTotalMb <= 1.15 * heap.heapUsedMb &&
      last.length === 3 &&
      Math.max(...last) - Math.min(...last) < 2;
    if (settled || waited >= 60_000) {
      return { ...memory, ...heap, settled, settledAfterS: waited / 1000 };
    }
  }
}

/**
 * Waits (at most 20 s) until the backends and the bench itself (which runs the sandbox) are idle,
 * so that a phase does not pay for the garbage collection and stragglers of the one before it.
 * False when they did not.
 */
export async function waitQuiet(backends: BackendProcess[]) {
  const cpu = () =>
    backends.reduce((n, b) => n + b.cpuSeconds(), 0) +
    (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  const deadline = Date.now() + 20_000;
  let before = cpu();
  while (Date.now() < deadline) {
    await sleep(500);
    const now = cpu();
    // Under 10% of one core over half a second, for all of them together.
    if (now - before < 0.05) return true;
    before = now;
  }
  return false;
}
