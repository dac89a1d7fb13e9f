import fs from 'node:fs';
import { Session } from 'node:inspector';
import v8 from 'node:v8';

/** An inspector session on this process, and a promise-returning `post`. */
function inspectorSession() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  return { session, post };
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Samples every allocation, kept or collected, from now until the returned function is called,
 * then writes the functions that allocated most (bytes, self) to `file`. A diagnostic for
 * `BENCH_ALLOCATIONS=<file>`: it slows the process down, its figures are not the bench's.
 */
export function startAllocationProfile(file: string): () => Promise<void> {
  const { post, session } = inspectorSession();
  const started = post('HeapProfiler.startSampling', {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: true,
    // BENCH_ALLOCATIONS_OLD=1: only what outlived the young generation (kept, or collected by a
    // full collection): the old generation's garbage, which sets the heap's peak.
    includeObjectsCollectedByMinorGC: !process.env.BENCH_ALLOCATIONS_OLD,
  });
  return async () => {
    await started;
    const { profile } = await post('HeapProfiler.stopSampling');
    session.disconnect();
    const bySite = new Map<string, number>();
    const walk = (node: ProfileNode, stack: string[]) => {
      const f = node.callFrame;
      const site = `${f.functionName || '(anonymous)'} ${f.url
        .replace(/^.*node_modules\//, '')
        .replace(/^.*\/(plugins|packages)\//, '$1/')}:${f.lineNumber + 1}`;
      const path = [...stack, site].slice(-3);
      if (node.selfSize) {
        const key = path.join('  <  ');
        bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child, [...stack, site]);
    };
    walk(profile.head, []);
    const total = [...bySite.values()].reduce((a, b) => a + b, 0);
    const lines = [...bySite.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 60)
      .map(([k, v]) => `${(v / 1048576).toFixed(1).padStart(8)} MB  ${k}`);
    fs.writeFileSync(
      file,
      `total sampled ${(total / 1048576).toFixed(0)} MB\n${lines.join('\n')}\n`,
    );
  };
}

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Samples the CPU from now until the returned function is called, then writes the functions that
 * took most time (self, and with what they call within the same package) to `file`, and the whole
 * profile to `<file>.cpuprofile`. A diagnostic for `BENCH_CPU=<file>`.
 */
export function startCpuProfile(file: string): () => Promise<void> {
  const { post, session } = inspectorSession();
  const started = post('Profiler.enable').then(() => post('Profiler.start'));
  return async () => {
    await started;
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    // The whole profile beside the summary, for Chrome DevTools (Performance, "Load profile").
    fs.writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
    const nodes = new Map<number, CpuNode>();
    for (const n of profile.nodes as CpuNode[]) nodes.set(n.id, n);
    const self = new Map<number, number>();
    const dts: number[] = profile.timeDeltas;
    (profile.samples as number[]).forEach((id, i) =>
      self.set(id, (self.get(id) ?? 0) + (dts[i] ?? 0)),
    );
    const where = (n: CpuNode) =>
      n.callFrame.url
        .replace(/^.*node_modules\//, '')
        .replace(/^.*\/(plugins|packages)\//, '$1/')
        .replace(/^node:.*/, 'node')
        .split('/')
        .slice(0, n.callFrame.url.includes('@') ? 2 : 1)
        .join('/') || '(vm)';
    const bySite = new Map<string, number>();
    const byPackage = new Map<string, number>();
    for (const [id, us] of self) {
      const n = nodes.get(id)!;
      const site = `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${
        n.callFrame.lineNumber + 1
      }`;
      bySite.set(site, (bySite.get(site) ?? 0) + us);
      byPackage.set(where(n), (byPackage.get(where(n)) ?? 0) + us);
    }
    const top = (m: Map<string, number>, k: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([s, us]) => `${(us / 1e6).toFixed(2).padStart(7)} s  ${s}`)
        .join('\n');
    fs.writeFileSync(
      file,
      `by package (self)\n${top(byPackage, 25)}\n\nby function (self)\n${top(
        bySite,
        50,
      )}\n`,
    );
  };
}

/**
 * Heap snapshots for `BENCH_HEAP_SNAPSHOT=<prefix>`: `<prefix>-settled.heapsnapshot` at once (the
 * settled backend, before the collation) and `<prefix>-collating.heapsnapshot` `afterMs` into the
 * collation (what it holds then: a snapshot keeps only what is reachable). Each stops the process
 * while it is written, so the run's figures are not the bench's. Returns a function that cancels the
 * second if the collation ends before it.
 */
export function takeHeapSnapshots(prefix: string, afterMs: number): () => void {
  v8.writeHeapSnapshot(`${prefix}-settled.heapsnapshot`);
  const timer = setTimeout(
    () => v8.writeHeapSnapshot(`${prefix}-collating.heapsnapshot`),
    afterMs,
  );
  return () => clearTimeout(timer);
}
