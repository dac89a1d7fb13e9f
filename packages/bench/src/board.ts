/*
 * `yarn bench:board`: the deploy board against @backstage/plugin-kubernetes-backend, side by side,
 * against the same imitation clusters, in one run. See docs/performance.md.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import type { Entity } from '@backstage/catalog-model';
import type { DeployBoard } from '@groundcrew/plugin-infra-common';
import { DEFAULT_CACHE_CONFIG } from '@groundcrew/plugin-infra-node';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import {
  BackendProcess,
  freePort,
  startBackendProcess,
} from './lib/backendProcess';
import {
  anchorConfig,
  baseConfig,
  oursConfig,
  writeEntities,
} from './lib/config';
import { envInt } from './lib/env';
import { requestJson } from './lib/http';
import { BenchRuntime, prepareRuntime } from './lib/runtime';
import { concurrentLoads, LoadResult, sequentialLoads } from './lib/load';
import {
  AnchorResponse,
  anchorPodKeys,
  boardPodKeys,
  difference,
} from './lib/pods';
import { kb, num, table } from './lib/report';
import { settledMemory, waitQuiet } from './lib/settle';
import {
  ApiRequests,
  readCounters,
  resetCounters,
} from './lib/sandboxCounters';
import {
  measureManyStreams,
  measureUpdateLatency,
  podsToFlip,
} from './lib/streams';

function optionalEnvInt(name: string): number | undefined {
  return process.env[name] ? envInt(name, 0) : undefined;
}

/** The run's shape; the environment overrides are for trying the program out, not for reports. */
const settings = {
  clusters: envInt('BENCH_CLUSTERS', 10),
  podsPerCluster: envInt('BENCH_PODS_PER_CLUSTER', 2000),
  services: 20,
  anchorLoads: envInt('BENCH_ANCHOR_LOADS', 50),
  oursLoads: envInt('BENCH_OURS_LOADS', 200),
  clients: 10,
  concurrentSeconds: envInt('BENCH_CONCURRENT_SECONDS', 20),
  flips: envInt('BENCH_FLIPS', 30),
  streams: envInt('BENCH_STREAMS', 1000),
  streamHoldMs: 5000,
  memoryClusters: envInt('BENCH_MEMORY_CLUSTERS', 25),
  memoryPodsPerCluster: envInt('BENCH_MEMORY_PODS_PER_CLUSTER', 2000),
  limitMs: 10 * 60_000,
  /** `groundcrew.kubernetes.cache` of ours; unset: the plugin's defaults (DEFAULT_CACHE_CONFIG). */
  cache: {
    listPageSize: optionalEnvInt('BENCH_LIST_PAGE_SIZE'),
    listConcurrency: optionalEnvInt('BENCH_LIST_CONCURRENCY'),
  },
};
const ENTITY = 'svc-000';

const runStarted = performance.now();
const elapsed = () =>
  `${((performance.now() - runStarted) / 1000).toFixed(1)}s`;
const progress = (message: string) =>
  process.stderr.write(`[bench ${elapsed()}] ${message}\n`);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Everything started, stopped in reverse order on success, failure, SIGINT or the time limit. */
const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      await fn().catch(error =>
        progress(`clean-up: ${(error as Error).message}`),
      );
    }
  })();
  return cleaning;
}

function clusterSpecs(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `cluster-${i}`,
    labels: {
      environment: i % 2 === 0 ? 'production' : 'staging',
      region: `region-${Math.floor(i / 2)}`,
    },
  }));
}

async function startFleet(
  clusters: number,
  podsPerCluster: number,
): Promise<Sandbox> {
  const sandbox = await startSandbox({
    clusters: clusterSpecs(clusters),
    podsPerCluster,
    servicesPerCluster: settings.services,
    demo: false,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await sandbox.stop();
  };
  cleanups.push(stop);
  return { ...sandbox, stop };
}

async function startBackend(options: {
  name: 'ours' | 'anchor';
  runtime: BenchRuntime;
  workDir: string;
  token: string;
  entitiesFile: string;
  sandbox: Sandbox;
}): Promise<BackendProcess> {
  const port = await freePort();
  const backend = await startBackendProcess({
    name: options.name,
    entry: options.runtime.entry(options.name),
    port,
    workDir: options.workDir,
    readyTimeoutMs: 180_000,
    nodeArgs: [
      ...options.runtime.nodeArgs,
      ...(process.env.BENCH_CPU_PROF
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${path.join(options.workDir, 'profiles')}`,
          ]
        : []),
    ],
    env: options.runtime.env,
    config: {
      ...baseConfig({
        port,
        token: options.token,
        entitiesFile: options.entitiesFile,
      }),
      ...(options.name === 'ours'
        ? oursConfig(options.sandbox, settings.cache)
        : anchorConfig(options.sandbox)),
    },
  });
  cleanups.push(() => backend.stop());
  backend.exited.then(code => {
    if (!cleaning && !backend.stopping) {
      progress(
        `backend "${
          backend.name
        }" exited (${code}); its log ends:\n${backend.logTail()}`,
      );
    }
  });
  return backend;
}

/** Waits until the catalog of a backend serves the entity, and returns it. */
async function waitForEntity(
  backend: BackendProcess,
  headers: Record<string, string>,
) {
  const agent = new http.Agent({ keepAlive: false });
  const deadline = Date.now() + 120_000;
  try {
    for (;;) {
      const found = await requestJson<Entity>({
        url: `${backend.baseUrl}/api/catalog/entities/by-name/component/default/${ENTITY}`,
        headers,
        agent,
        timeoutMs: 10_000,
      }).catch(error => error as Error);
      if (!(found instanceof Error)) return found.value;
      if (Date.now() > deadline) {
        throw new Error(
          `the catalog of "${backend.name}" did not serve component:default/${ENTITY} within 120 s: ${found.message}`,
        );
      }
      await sleep(500);
    }
  } finally {
    agent.destroy();
  }
}

function boardUrl(backend: BackendProcess) {
  return `${backend.baseUrl}/api/deploy-board/boards/default/component/${ENTITY}`;
}

/** Loads our board until it shows every pod of the entity (the watch cache has synced). */
async function warmOurs(
  backend: BackendProcess,
  headers: Record<string, string>,
  pods: number,
) {
  const agent = new http.Agent({ keepAlive: true });
  const deadline = Date.now() + 180_000;
  let last = '';
  try {
    for (;;) {
      const got = await requestJson<DeployBoard>({
        url: boardUrl(backend),
        headers,
        agent,
        timeoutMs: 30_000,
      }).catch(error => error as Error);
      if (got instanceof Error) {
        last = got.message;
      } else {
        const keys = boardPodKeys(got.value);
        last = `${keys.size} pods`;
        if (keys.size >= pods) {
          for (let i = 0; i < 5; i++) {
            await requestJson({
              url: boardUrl(backend),
              headers,
              agent,
              timeoutMs: 30_000,
            });
          }
          return got.value;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(
          `our board did not show ${pods} pods within 180 s (last: ${last})`,
        );
      }
      await sleep(500);
    }
  } finally {
    agent.destroy();
  }
}

/** Waits until the processes are idle (see waitQuiet), and says so when they do not become so. */
async function waitQuietOrSay(backends: BackendProcess[]) {
  if (!(await waitQuiet(backends))) {
    progress('the processes did not become idle within 20 s; measuring anyway');
  }
}

async function measure(
  sandbox: Sandbox,
  backends: BackendProcess[],
  run: () => Promise<LoadResult>,
): Promise<LoadResult & { api: ApiRequests }> {
  await waitQuietOrSay(backends);
  await resetCounters(sandbox);
  const load = await run();
  return { ...load, api: await readCounters(sandbox) };
}

function checkLimits() {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const match = limits.match(/^Max open files\s+(\d+|unlimited)/m);
  const open = match?.[1] === 'unlimited' ? Infinity : Number(match?.[1] ?? 0);
  if (open < settings.streams * 2 + 500) {
    throw new Error(
      `${
        settings.streams
      } streams need more open files than this process may have (${open}): raise it with \`ulimit -n ${
        settings.streams * 4
      }\` and run again`,
    );
  }
}

async function main() {
  checkLimits();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'groundcrew-bench-'));
  cleanups.push(async () => {
    if (process.exitCode) {
      progress(`logs and configs kept in ${workDir}`);
    } else if (!process.env.BENCH_CPU_PROF) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
  const token = randomBytes(24).toString('base64url');
  const headers = { Authorization: `Bearer ${token}` };
  const services = Array.from(
    { length: settings.services },
    (_, i) => `svc-${String(i).padStart(3, '0')}`,
  );
  const entitiesFile = writeEntities({ dir: workDir, services });
  const runtimeKind = process.env.BENCH_RUNTIME ?? 'production';
  if (runtimeKind !== 'production' && runtimeKind !== 'dev') {
    throw new Error(
      `BENCH_RUNTIME must be "production" or "dev", got "${runtimeKind}"`,
    );
  }
  progress(`preparing the ${runtimeKind} runtime of both backends`);
  const runtime = await prepareRuntime({ kind: runtimeKind, workDir });
  const entityPods =
    settings.clusters * Math.floor(settings.podsPerCluster / settings.services);
  const totalPods = settings.clusters * settings.podsPerCluster;

  // 1. The fleet, and both backends against it.
  progress(
    `sandbox: ${settings.clusters} clusters x ${settings.podsPerCluster} pods`,
  );
  const sandbox = await startFleet(settings.clusters, settings.podsPerCluster);
  progress('starting both backends');
  const [ours, anchor] = await Promise.all([
    startBackend({
      name: 'ours',
      runtime,
      workDir,
      token,
      entitiesFile,
      sandbox,
    }),
    startBackend({
      name: 'anchor',
      runtime,
      workDir,
      token,
      entitiesFile,
      sandbox,
    }),
  ]);
  const [entity] = await Promise.all([
    waitForEntity(ours, headers),
    waitForEntity(anchor, headers),
  ]);
  progress(`both catalogs serve component:default/${ENTITY}; warming`);

  // Page loads carry what a browser sends: both backends then answer compressed, as the entity
  // page receives them (the framework's compression middleware, or our board gzipped once).
  const pageHeaders = { ...headers, 'Accept-Encoding': 'gzip' };
  const oursLoad = {
    url: boardUrl(ours),
    headers: pageHeaders,
    timeoutMs: 60_000,
  };
  const anchorLoad = {
    url: `${anchor.baseUrl}/api/kubernetes/services/${ENTITY}`,
    method: 'POST' as const,
    headers: pageHeaders,
    json: { entity, auth: {} },
    timeoutMs: 120_000,
  };

  const both = [ours, anchor];
  const oursBoard = await warmOurs(ours, headers, entityPods);
  const anchorAgent = new http.Agent({ keepAlive: true });
  let anchorAnswer: AnchorResponse | undefined;
  for (let i = 0; i < 5; i++) {
    anchorAnswer = (
      await requestJson<AnchorResponse>({ ...anchorLoad, agent: anchorAgent })
    ).value;
  }
  anchorAgent.destroy();

  // 2. Both must show the same pods, or the comparison means nothing.
  const anchorErrors = anchorAnswer!.items.flatMap(i =>
    i.errors.map(
      e =>
        `${i.cluster.name}: ${e.errorType} ${e.statusCode ?? ''} ${
          e.resourcePath ?? ''
        }`,
    ),
  );
  if (anchorErrors.length) {
    throw new Error(
      `the anchor reported cluster errors:\n  ${anchorErrors
        .slice(0, 10)
        .join('\n  ')}`,
    );
  }
  const anchorKeys = anchorPodKeys(anchorAnswer!);
  const oursKeys = boardPodKeys(oursBoard);
  const diff = difference(anchorKeys, oursKeys);
  if (diff.countA || diff.countB || anchorKeys.size !== entityPods) {
    throw new Error(
      `the two sides show different pods for component:default/${ENTITY}: anchor ${
        anchorKeys.size
      }, ours ${oursKeys.size}, expected ${entityPods}; only the anchor: ${
        diff.countA
      } (${diff.onlyA.join(', ')}); only ours: ${
        diff.countB
      } (${diff.onlyB.join(', ')})`,
    );
  }
  progress(
    `same ${anchorKeys.size} pods on both sides in ${settings.clusters} clusters`,
  );

  // 3. Page loads: sequential, then concurrent clients, the anchor first.
  const pageLoads = async (
    name: string,
    load: typeof oursLoad | typeof anchorLoad,
    sequential: number,
    maxLoads: number,
  ) => {
    progress(`${name}: ${sequential} sequential loads`);
    const seq = await measure(sandbox, both, () =>
      sequentialLoads(load, sequential),
    );
    progress(
      `${name}: ${settings.clients} clients for ${settings.concurrentSeconds} s`,
    );
    const conc = await measure(sandbox, both, () =>
      concurrentLoads(load, {
        clients: settings.clients,
        seconds: settings.concurrentSeconds,
        maxLoads,
      }),
    );
    return { seq, conc };
  };
  const { seq: anchorSeq, conc: anchorConc } = await pageLoads(
    'anchor',
    anchorLoad,
    settings.anchorLoads,
    100_000,
  );
  const { seq: oursSeq, conc: oursConc } = await pageLoads(
    'ours',
    oursLoad,
    settings.oursLoads,
    1_000_000,
  );
  const memory20k = { ours: ours.memory(), anchor: anchor.memory() };

  // 4. Update latency through the live stream.
  progress(`ours: update latency over ${settings.flips} pod changes`);
  const flipPods = podsToFlip(oursBoard);
  await waitQuietOrSay(both);
  const update = await measureUpdateLatency({
    sandbox,
    streamUrl: `${boardUrl(ours)}/stream`,
    headers,
    pods: flipPods,
    flips: settings.flips,
    timeoutMs: 15_000,
  });

  // 5. Many live streams: one set of watches whatever the number of readers.
  progress(`ours: ${settings.streams} live streams`);
  let streamsMemory = { rssMb: NaN, peakMb: NaN };
  const many = await measureManyStreams({
    sandbox,
    streamUrl: `${boardUrl(ours)}/stream`,
    headers,
    count: settings.streams,
    pod: flipPods[flipPods.length - 1],
    holdMs: settings.streamHoldMs,
    openTimeoutMs: 120_000,
    onOpen: () => {
      streamsMemory = ours.memory();
    },
  });

  progress(
    `ours: ${many.gotChange}/${
      many.streams
    } streams got the change; delivery p50 ${num(
      many.delivery.p50,
      1,
    )} ms, p95 ${num(many.delivery.p95, 1)} ms`,
  );

  await anchor.stop();
  await ours.stop();
  await sandbox.stop();

  // 6. Memory with 50,000 pods: ours alone. First the same backend with an empty fleet, to tell
  // what the cache holds from what any Backstage backend with these plugins holds.
  // Each run: a fleet, ours against it, warm (a board with `boardPods` pods), `loads` page
  // loads, then its memory once settled.
  const memoryRun = async (
    fleetShape: { clusters: number; podsPerCluster: number },
    boardPods: number,
    loads: number,
  ) => {
    const fleet = await startFleet(
      fleetShape.clusters,
      fleetShape.podsPerCluster,
    );
    const started = performance.now();
    const backend = await startBackend({
      name: 'ours',
      runtime,
      workDir,
      token,
      entitiesFile,
      sandbox: fleet,
    });
    await waitForEntity(backend, headers);
    await warmOurs(backend, headers, boardPods);
    // From the process start to a board with all of the entity's pods: the first sync.
    const syncSeconds = (performance.now() - started) / 1000;
    const loaded = await sequentialLoads(
      { url: boardUrl(backend), headers, timeoutMs: 60_000 },
      loads,
    );
    const memory = await settledMemory(backend);
    await backend.stop();
    await fleet.stop();
    return { memory, syncSeconds, loaded };
  };
  progress('memory: ours with one empty cluster (baseline)');
  const { memory: memoryEmpty } = await memoryRun(
    { clusters: 1, podsPerCluster: 0 },
    0,
    0,
  );

  const memoryPods = settings.memoryClusters * settings.memoryPodsPerCluster;
  progress(
    `memory: sandbox ${settings.memoryClusters} x ${settings.memoryPodsPerCluster} = ${memoryPods} pods`,
  );
  const bigEntityPods =
    settings.memoryClusters *
    Math.floor(settings.memoryPodsPerCluster / settings.services);
  const {
    memory: memory50k,
    syncSeconds: bigSyncSeconds,
    loaded: bigLoads,
  } = await memoryRun(
    {
      clusters: settings.memoryClusters,
      podsPerCluster: settings.memoryPodsPerCluster,
    },
    bigEntityPods,
    50,
  );

  // Report.
  const floor = 1 / settings.oursLoads;
  const anchorRpl =
    (anchorSeq.api.nonWatch + anchorConc.api.nonWatch) /
    (anchorSeq.loads + anchorConc.loads);
  const oursRpl =
    (oursSeq.api.nonWatch + oursConc.api.nonWatch) /
    (oursSeq.loads + oursConc.loads);
  const p95Ratio = anchorSeq.latency.p95 / oursSeq.latency.p95;
  const throughputRatio = oursConc.throughput / anchorConc.throughput;
  const requestsRatio = anchorRpl / Math.max(oursRpl, floor);
  const ms = (v: number) => `${num(v, 1)} ms`;
  const side = (
    name: string,
    seq: LoadResult,
    conc: LoadResult,
    rpl: number,
    rss: number,
  ) => [
    name,
    String(seq.loads),
    ms(seq.latency.p50),
    ms(seq.latency.p95),
    ms(seq.latency.mean),
    `${num(conc.throughput, 1)}/s`,
    ms(conc.latency.p95),
    String(conc.loads),
    num(rpl, 3),
    kb(seq.meanBytes),
    `${num(rss, 0)} MB`,
  ];
  const anchorRoutes = Object.entries(anchorSeq.api.routes)
    .sort(([, a], [, b]) => b - a)
    .map(([route, n]) => `${route} ${num(n / anchorSeq.loads, 1)}`)
    .join(', ');
  const memoryRow = (name: string, m: typeof memory50k) => [
    name,
    ...[m.rssMb, m.peakMb, m.heapUsedMb, m.heapTotalMb, m.externalMb].map(v =>
      num(v, 0),
    ),
    m.settled ? `${num(m.settledAfterS, 0)} s` : 'not in 60 s',
  ];
  const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');

  const out = [
    '',
    `Deploy board vs @backstage/plugin-kubernetes-backend — ${
      settings.clusters
    } clusters x ${
      settings.podsPerCluster
    } pods (${totalPods}), entity component:default/${ENTITY} with ${entityPods} pods; ${
      os.cpus().length
    } cores; run took ${elapsed()}`,
    `both backends: ${
      runtime.kind === 'production'
        ? `compiled JavaScript, config schema compiled beforehand, ${
            runtime.env.MALLOC_MMAP_THRESHOLD_
              ? 'MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ fixed'
              : "glibc malloc's own thresholds"
          } (BENCH_RUNTIME=production)`
        : 'through the CLI transform, schema compiled at start, Node and glibc defaults (BENCH_RUNTIME=dev)'
    }; ours lists ${
      settings.cache.listPageSize ?? DEFAULT_CACHE_CONFIG.listPageSize
    } objects a page, ${
      settings.cache.listConcurrency ?? DEFAULT_CACHE_CONFIG.listConcurrency
    } lists at once`,
    '',
    table([
      [
        'side',
        'seq loads',
        'p50',
        'p95',
        'mean',
        `thr (${settings.clients} cl)`,
        'p95 (10 cl)',
        'conc loads',
        'api req/load',
        'bytes/resp',
        'RSS (20k)',
      ],
      side('anchor', anchorSeq, anchorConc, anchorRpl, memory20k.anchor.rssMb),
      side('ours', oursSeq, oursConc, oursRpl, memory20k.ours.rssMb),
    ]),
    '',
    `anchor requests per load by route (sequential): ${anchorRoutes}`,
    `ours non-watch requests during ${oursSeq.loads + oursConc.loads} loads: ${
      oursSeq.api.nonWatch + oursConc.api.nonWatch
    }; watch requests started: ${oursSeq.api.watch + oursConc.api.watch}`,
    '',
    table([
      ['measure', 'value', 'goal', ''],
      [
        'p95_ratio (anchor p95 / ours p95, sequential)',
        num(p95Ratio, 1),
        '>= 50',
        goal(p95Ratio >= 50),
      ],
      [
        'throughput_ratio (ours / anchor, 10 clients)',
        num(throughputRatio, 1),
        '>= 50',
        goal(throughputRatio >= 50),
      ],
      [
        `requests_ratio (anchor / max(ours, 1/${settings.oursLoads}))`,
        num(requestsRatio, 1),
        '>= 100',
        goal(requestsRatio >= 100),
      ],
      [
        `rss_mb_50k (ours, ${memoryPods} pods, idle, settled; peak ${num(
          memory50k.peakMb,
          0,
        )} MB)`,
        num(memory50k.rssMb, 0),
        '<= 300',
        goal(memory50k.rssMb <= 300),
      ],
      [
        `update_p95_ms (${many.streams} streams, one change; p50 ${num(
          many.delivery.p50,
          1,
        )}, max ${num(many.delivery.max, 1)})`,
        num(many.delivery.p95, 1),
        '<= 250',
        goal(many.delivery.p95 <= 250),
      ],
      [
        `update_p95_ms with one stream (${update.count} changes; p50 ${num(
          update.p50,
          1,
        )}, max ${num(update.max, 1)})`,
        num(update.p95, 1),
        '<= 1000',
        goal(update.p95 <= 1000),
      ],
    ]),
    '',
    `${settings.streams} live streams (opened in ${num(
      many.openSeconds,
      1,
    )} s; ours RSS with them ${num(streamsMemory.rssMb, 0)} MB): ${
      many.gotChange
    }/${many.streams} got the change; delivery p50 ${ms(
      many.delivery.p50,
    )}, p95 ${ms(
      many.delivery.p95,
    )} (includes the bench's own parsing); events after the first board: ${
      Object.entries(many.events)
        .map(
          ([type, e]) =>
            `${e.count} ${type} (${num(e.bytes / e.count / 1024, 1)} KB each)`,
        )
        .join(', ') || 'none'
    }`,
    `  API requests in ${
      settings.streamHoldMs / 1000
    } s with one change: non-watch ${many.with.nonWatch} (0 streams: ${
      many.without.nonWatch
    }), watch ${many.with.watch} (0 streams: ${many.without.watch})`,
    table([
      [
        'memory of ours (MB)',
        'RSS',
        'peak RSS',
        'V8 heap used',
        'V8 heap total',
        'external + array buffers',
        'settled after',
      ],
      memoryRow('empty fleet (1 cluster, 0 pods)', memoryEmpty),
      memoryRow(`${memoryPods} pods`, memory50k),
    ]),
    `memory phase: ${
      settings.memoryClusters
    } clusters, ${memoryPods} pods; first sync (start to a full board) ${num(
      bigSyncSeconds,
      1,
    )} s; board of ${bigEntityPods} pods p95 ${ms(bigLoads.latency.p95)}`,
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);

  const problems: string[] = [];
  if (many.gotChange !== many.streams) {
    problems.push(
      `${many.streams - many.gotChange} of ${
        many.streams
      } streams did not get the change`,
    );
  }
  if (many.with.nonWatch !== 0) {
    problems.push(
      `with ${many.streams} streams open the API servers got ${many.with.nonWatch} non-watch requests`,
    );
  }
  for (const p of problems) process.stdout.write(`PROBLEM: ${p}\n`);
  process.stdout.write(
    `board: p95_ratio=${num(p95Ratio, 1)} throughput_ratio=${num(
      throughputRatio,
      1,
    )} requests_ratio=${num(requestsRatio, 1)} ours_requests_per_load=${num(
      oursRpl,
      4,
    )} rss_mb_50k=${num(memory50k.rssMb, 0)} update_p95_ms=${num(
      many.delivery.p95,
      1,
    )}\n`,
  );
  if (problems.length) process.exitCode = 1;
}

const limit = setTimeout(() => {
  process.stderr.write(
    `bench: exceeded ${settings.limitMs / 60_000} minutes; stopping\n`,
  );
  process.exitCode = 1;
  cleanUp().finally(() => process.exit(1));
}, settings.limitMs);
limit.unref();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}; stopping\n`);
    process.exitCode = 130;
    cleanUp().finally(() => process.exit(130));
  });
}

main()
  .catch(error => {
    process.exitCode = 1;
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  })
  .finally(async () => {
    await cleanUp();
    clearTimeout(limit);
    process.exit(process.exitCode ?? 0);
  });
