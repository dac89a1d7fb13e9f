/*
 * The backend of `yarn bench:search`: Groundcrew's client services (fleet + watch cache, GCP,
 * Vault) built from the `--config` file the bench writes, and one route that runs the
 * infrastructure collator once and pipes its stream into a Writable, as the search indexer does.
 */
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  createRootLoggerServiceFactory,
  gcpServiceFactory,
  gcpServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceFactory,
  vaultServiceFactory,
  vaultServiceRef,
} from '@groundcrew/plugin-infra-node';
import {
  InfraCollatorFactory,
  readInfraSearchConfig,
} from '@groundcrew/plugin-search-backend-module-infra';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';
import { benchChild } from './benchChild';
import {
  startAllocationProfile,
  startCpuProfile,
  takeHeapSnapshots,
} from '../lib/profiles';

/** What one collation measured. */
export interface CollateResult {
  docs: number;
  byKind: Record<string, number>;
  /** From getCollator() to the stream's end. */
  seconds: number;
  /** Sampled every 10 ms during the collation. */
  rssMbPeakDuring: number;
  rssMbBefore: number;
  /** At the sample of the RSS peak: V8's heap (committed), and memory outside it (buffers). */
  atPeak: { heapTotalMb: number; heapUsedMb: number; externalMb: number };
  /** Bytes of JSON of every document: what an indexer would receive. */
  bytes: number;
}

const searchBench = createBackendPlugin({
  pluginId: 'search-bench',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        cache: kubernetesCacheServiceRef,
        gcp: gcpServiceRef,
        vault: vaultServiceRef,
      },
      async init({ config, logger, httpRouter, cache, gcp, vault }) {
        const { settings } = readInfraSearchConfig(config);
        const factory = InfraCollatorFactory.create({
          cache,
          gcp,
          vault,
          logger,
          settings,
        });
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        httpRouter.use(async (req, res, next) => {
          // The watch cache's first sync: the bench waits for it, then for the process to settle.
          if (req.method === 'POST' && req.path === '/sync') {
            const started = performance.now();
            const synced = await cache.waitForSync(10 * 60_000);
            res.json({ synced, seconds: (performance.now() - started) / 1000 });
            return;
          }
          if (req.method !== 'POST' || req.path !== '/collate') {
            next();
            return;
          }
          try {
            const MB = 1024 * 1024;
            const mb = () => process.memoryUsage.rss() / MB;
            const rssMbBefore = mb();
            let peak = rssMbBefore;
            let atPeak = { heapTotalMb: 0, heapUsedMb: 0, externalMb: 0 };
            const sampler = setInterval(() => {
              const rss = mb();
              if (rss <= peak) return;
              peak = rss;
              const m = process.memoryUsage();
              atPeak = {
                heapTotalMb: m.heapTotal / MB,
                heapUsedMb: m.heapUsed / MB,
                externalMb: m.external / MB,
              };
            }, 10);
            const byKind: Record<string, number> = {};
            let docs = 0;
            let bytes = 0;
            // The settled snapshot first: writing it is not part of the profiles below.
            const snapshots = process.env.BENCH_HEAP_SNAPSHOT
              ? takeHeapSnapshots(
                  process.env.BENCH_HEAP_SNAPSHOT,
                  Number(process.env.BENCH_HEAP_SNAPSHOT_AFTER_MS ?? 3000),
                )
              : undefined;
            const profiled = process.env.BENCH_ALLOCATIONS
              ? startAllocationProfile(process.env.BENCH_ALLOCATIONS)
              : undefined;
            const cpuProfiled = process.env.BENCH_CPU
              ? startCpuProfile(process.env.BENCH_CPU)
              : undefined;
            const started = performance.now();
            try {
              // As Backstage's search indexing drains a collator: stream.pipeline into the
              // engine's indexer, a Writable in object mode; this one serializes each document.
              await pipeline(
                await factory.getCollator(),
                new Writable({
                  objectMode: true,
                  write(doc: InfraSearchDocument, _encoding, done) {
                    docs++;
                    byKind[doc.kind] = (byKind[doc.kind] ?? 0) + 1;
                    bytes += JSON.stringify(doc).length;
                    done();
                  },
                }),
              );
            } finally {
              clearInterval(sampler);
              snapshots?.();
              await profiled?.();
              await cpuProfiled?.();
            }
            const result: CollateResult = {
              docs,
              byKind,
              seconds: (performance.now() - started) / 1000,
              rssMbPeakDuring: Math.max(peak, mb()),
              rssMbBefore,
              atPeak,
              bytes,
            };
            res.json(result);
          } catch (error) {
            next(error);
          }
        });
      },
    });
  },
});

benchChild();
const backend = createBackend();
backend.add(
  createRootLoggerServiceFactory({
    schemaFile: process.env.GROUNDCREW_CONFIG_SCHEMA,
  }),
);
backend.add(kubernetesFleetServiceFactory);
backend.add(gcpServiceFactory);
backend.add(vaultServiceFactory);
backend.add(searchBench);
backend.start();
