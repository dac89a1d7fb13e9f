/*
 * `yarn bench:search`: the infrastructure search collator over 100,000 documents from the
 * sandbox — Runway services on clusters, GCP projects and Vault paths — in a backend process of
 * its own, as the search indexer runs it, with V8 heap limits; beside it, a backend with no plugin
 * as the floor of the memory figures. The last line is
 * `search: docs=… seconds=… rss_mb_peak=…`. See docs/content/performance.md, section "Search".
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  bulkGcpProjects,
  bulkRunwayServices,
  bulkVaultSecrets,
  DEMO_GCP,
  fleetClustersConfig,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import type { CollateResult } from './backends/searchBackend';
import { freePort, startBackendProcess } from './lib/backendProcess';
import { envInt } from './lib/env';
import { requestJson } from './lib/http';
import { num, table } from './lib/report';
import { settledMemory, waitQuiet } from './lib/settle';
import { residentMemory } from './lib/smaps';
import { startCpuProfile } from './lib/profiles';
import { prepareRuntime } from './lib/runtime';

/** The run's shape (100,000 documents in all by default); the overrides are for trying it out. */
const settings = {
  clusters: envInt('BENCH_SEARCH_CLUSTERS', 8),
  services: envInt('BENCH_SEARCH_SERVICES', 40_000),
  projects: envInt('BENCH_SEARCH_PROJECTS', 10_000),
  vaultPaths: envInt('BENCH_SEARCH_VAULT_PATHS', 49_992),
  /** groundcrew.search.concurrency */
  concurrency: envInt('BENCH_SEARCH_CONCURRENCY', 16),
  /** groundcrew.nativeHeap.trimIntervalMs (0: glibc's free memory is not given back). */
  trimIntervalMs: envInt('BENCH_TRIM_INTERVAL_MS', 500),
  /**
   * V8's heap limit for the backends (--max-old-space-size), as docs/content/performance.md
   * recommends for the indexer's backend; 0: Node's default (a share of the machine's memory).
   */
  heapLimitMb: envInt('BENCH_SEARCH_HEAP_MB', 384),
  /**
   * The most V8's young generation may grow each of its two semi-spaces to
   * (--max-semi-space-size), as docs/content/performance.md recommends for the indexer's backend;
   * 0: Node's default (16 MB).
   */
  semiSpaceMb: envInt('BENCH_SEARCH_SEMI_SPACE_MB', 4),
  /**
   * How far V8 lets the old generation grow past what it held after a full collection before the
   * next one (--heap-growing-percent; a V8 option, not allowed in NODE_OPTIONS); 0: V8's own
   * factor, ≈ 1.35 × at a limit of 384 MB. Not set by default: see performance.md.
   */
  heapGrowingPercent: envInt('BENCH_SEARCH_HEAP_GROWING_PERCENT', 0),
  /** Any other Node or V8 options for both backends, for experiments (space-separated). */
  extraNodeArgs: (process.env.BENCH_SEARCH_NODE_ARGS ?? '')
    .split(/\s+/)
    .filter(Boolean),
};

/** V8's options for both backends: each passed when set (not 0), and named in the table. */
const v8Options = [
  {
    name: 'V8 heap limit',
    unit: 'MB',
    flag: '--max-old-space-size',
    value: settings.heapLimitMb,
    unset: "Node's default",
  },
  {
    name: 'V8 semi-space limit',
    unit: 'MB',
    flag: '--max-semi-space-size',
    value: settings.semiSpaceMb,
    unset: "Node's default",
  },
  {
    name: 'V8 old generation growth',
    unit: '%',
    flag: '--heap-growing-percent',
    value: settings.heapGrowingPercent,
    unset: "V8's default",
  },
];

/** A table row of a settled RSS, saying when it did not settle. */
const settledRssRow = (
  label: string,
  memory: { settled: boolean; rssMb: number },
) => [
  `${label} (MB${memory.settled ? '' : ', not settled in 60 s'})`,
  num(memory.rssMb, 0),
];

const started = performance.now();
const progress = (message: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - started) / 1000).toFixed(
      1,
    )}s] ${message}\n`,
  );

/** Loads the bulk services into each cluster in slices (one control request per slice). */
async function seedClusters(sandbox: Sandbox) {
  const perCluster = Math.ceil(settings.services / settings.clusters);
  const SLICE = 2_000;
  for (const [i, c] of sandbox.kubernetes.clusters.entries()) {
    const first = i * perCluster;
    const count = Math.max(0, Math.min(perCluster, settings.services - first));
    for (let from = first; from < first + count; from += SLICE) {
      await sandbox.control[c.name].loadFixture(
        bulkRunwayServices({
          cluster: c.name,
          from,
          count: Math.min(SLICE, first + count - from),
        }),
      );
    }
  }
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-search-'));
  const cleanups: Array<() => Promise<void>> = [];
  try {
    progress(
      `sandbox: ${settings.clusters} clusters, ${settings.services} services, ${settings.projects} projects, ${settings.vaultPaths} Vault paths`,
    );
    const sandbox = await startSandbox({
      clusters: Array.from({ length: settings.clusters }, (_, i) => ({
        name: `cluster-${i}`,
        labels: {
          environment: i % 2 === 0 ? 'production' : 'staging',
          region: `region-${Math.floor(i / 2)}`,
        },
      })),
      demo: false,
      gcp: { fixture: bulkGcpProjects({ count: settings.projects }) },
      vault: { fixture: bulkVaultSecrets({ count: settings.vaultPaths }) },
      gitlab: { enabled: false },
      oidc: { enabled: false },
      teleport: { enabled: false },
    });
    cleanups.push(() => sandbox.stop());
    await seedClusters(sandbox);

    const runtime = await prepareRuntime({
      kind: process.env.BENCH_RUNTIME === 'dev' ? 'dev' : 'production',
      workDir,
    });
    const nodeArgs = [
      ...runtime.nodeArgs,
      ...v8Options.filter(o => o.value).map(o => `${o.flag}=${o.value}`),
      ...settings.extraNodeArgs,
    ];
    /** Both backends: same runtime and arguments, own port, `config` besides `app` and `backend`. */
    const start = async (
      name: 'bare' | 'search',
      config: Record<string, unknown> = {},
    ) => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      return startBackendProcess({
        name,
        entry: runtime.entry(name),
        port,
        workDir,
        readyTimeoutMs: 180_000,
        nodeArgs,
        env: runtime.env,
        config: {
          app: { baseUrl },
          backend: {
            baseUrl,
            listen: { host: '127.0.0.1', port },
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          ...config,
        },
      });
    };

    // The floor: a Backstage backend with no plugin at all, settled, in the same runtime.
    progress('a backend with no plugin');
    const bare = await start('bare');
    let bareMemory;
    try {
      await waitQuiet([bare]);
      bareMemory = {
        ...(await settledMemory(bare)),
        ...residentMemory(bare.pid),
      };
    } finally {
      await bare.stop();
    }

    progress(`backend (${runtime.kind})`);
    const backend = await start('search', {
      groundcrew: {
        nativeHeap: { trimIntervalMs: settings.trimIntervalMs },
        kubernetes: { clusters: fleetClustersConfig(sandbox) },
        gcp: {
          endpoint: sandbox.gcp!.url,
          caData: sandbox.kubernetes.caPem,
          credentials: { token: sandbox.gcp!.token },
        },
        vault: {
          endpoint: sandbox.vault!.url,
          caData: sandbox.kubernetes.caPem,
          auth: { token: sandbox.vault!.token },
          maxConcurrency: settings.concurrency,
        },
        search: {
          // The demo organization holds the bulk projects: one Cloud Asset Inventory search.
          assetScope: DEMO_GCP.organization,
          concurrency: settings.concurrency,
          maxProjects: Math.max(1, settings.projects + 10),
          cacheSyncTimeoutSeconds: 600,
        },
      },
    });
    cleanups.push(() => backend.stop());
    const { baseUrl } = backend;

    const agent = new http.Agent({ keepAlive: false });
    progress('watch cache: first sync');
    const { value: sync } = await requestJson<{
      synced: boolean;
      seconds: number;
    }>({
      url: `${baseUrl}/api/search-bench/sync`,
      method: 'POST',
      agent,
      timeoutMs: 11 * 60_000,
    });
    if (!sync.synced) throw new Error('the watch cache did not sync in 10 min');
    const afterSync = backend.memory();
    // The indexer collates on a schedule, long after its cache's first sync: the collation is
    // measured on a settled backend (idle, its heap back to what it holds), as bench:board does.
    progress('settling');
    await waitQuiet([backend]);
    const settled = {
      ...(await settledMemory(backend)),
      ...residentMemory(backend.pid),
    };
    progress('collating');
    // A diagnostic: where the sandbox (this process) spends its CPU while it serves the collation.
    const sandboxProfiled = process.env.BENCH_SANDBOX_CPU
      ? startCpuProfile(process.env.BENCH_SANDBOX_CPU)
      : undefined;
    const cpuBefore = {
      backend: backend.cpuSeconds(),
      sandbox: process.cpuUsage(),
    };
    const { value: result } = await requestJson<CollateResult>({
      url: `${baseUrl}/api/search-bench/collate`,
      method: 'POST',
      agent,
      timeoutMs: 20 * 60_000,
    });
    agent.destroy();
    await sandboxProfiled?.();
    const { peakMb } = backend.memory();
    const cpu = {
      backend: backend.cpuSeconds() - cpuBefore.backend,
      sandbox: (() => {
        const used = process.cpuUsage(cpuBefore.sandbox);
        return (used.user + used.system) / 1e6;
      })(),
    };
    // The collator's own line (the seconds each source took), and whether glibc's free memory
    // is given back (groundcrew.nativeHeap).
    const logLines = fs.readFileSync(backend.logFile, 'utf8').split('\n');
    for (const phrase of ['Native heap: ', 'Collated ']) {
      const line = logLines.find(l => l.includes(phrase));
      // From the phrase to the end of the JSON log line's message.
      if (line) progress(line.slice(line.indexOf(phrase)).split('"')[0]);
    }

    process.stdout.write(
      `${table([
        ['measure', 'value'],
        ['documents', String(result.docs)],
        ...Object.entries(result.byKind).map(([k, n]) => [`  ${k}`, String(n)]),
        ...v8Options.map(o => [
          `${o.name} (${o.unit}, ${o.flag})`,
          o.value ? String(o.value) : o.unset,
        ]),
        ...(settings.extraNodeArgs.length
          ? [
              [
                'other options (BENCH_SEARCH_NODE_ARGS)',
                settings.extraNodeArgs.join(' '),
              ],
            ]
          : []),
        settledRssRow('RSS of a backend with no plugin, settled', bareMemory),
        ['  its V8 heap used (MB)', num(bareMemory.heapUsedMb, 0)],
        [
          "  its glibc main heap (MB, smaps' [heap])",
          num(bareMemory.mallocHeap, 0),
        ],
        ['watch cache first sync (s)', num(sync.seconds)],
        [
          'RSS peak up to the end of the sync (MB, VmHWM)',
          num(afterSync.peakMb, 0),
        ],
        settledRssRow('RSS settled before collation', settled),
        ['V8 heap used, settled (MB)', num(settled.heapUsedMb, 0)],
        [
          "glibc main heap, settled (MB, smaps' [heap])",
          num(settled.mallocHeap, 0),
        ],
        [
          'anonymous / file-backed, settled (MB, smaps)',
          `${num(settled.anonymous, 0)} / ${num(settled.files, 0)}`,
        ],
        ['collation (s)', num(result.seconds)],
        ['documents per second', num(result.docs / result.seconds, 0)],
        ['  CPU of the backend meanwhile (s)', num(cpu.backend)],
        ['  CPU of the sandbox (this process) meanwhile (s)', num(cpu.sandbox)],
        ['document JSON (MB)', num(result.bytes / 1024 / 1024, 1)],
        ['RSS as the collation starts (MB)', num(result.rssMbBefore, 0)],
        ['RSS peak during collation (MB)', num(result.rssMbPeakDuring, 0)],
        [
          '  V8 heap committed / used then (MB)',
          `${num(result.atPeak.heapTotalMb, 0)} / ${num(
            result.atPeak.heapUsedMb,
            0,
          )}`,
        ],
        [
          '  outside the V8 heap: buffers (MB)',
          num(result.atPeak.externalMb, 0),
        ],
        ['RSS peak of the process (MB, VmHWM)', num(peakMb, 0)],
      ])}\n`,
    );
    // The process's high-water mark over its whole life: start-up, the cache's first sync and the
    // collation.
    process.stdout.write(
      `search: docs=${result.docs} seconds=${num(
        result.seconds,
      )} rss_mb_peak=${num(peakMb, 0)}\n`,
    );
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`bench:search failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
