import { ServiceRef } from '@backstage/backend-plugin-api';
import { fleetClustersConfig, Sandbox } from '@groundcrew/sandbox';
import { startServicesBackend } from '../testUtils/servicesBackend';
import { kubernetesCacheServiceRef } from '../services';
import type { KubernetesCacheService } from '../kubernetes/cache/KubernetesWatchCache';
import { WATCHED_KINDS, WatchedKind } from '../kubernetes/cache/ClusterWatcher';

/**
 * Test helper: a backend whose config points the fleet at sandbox clusters, with a probe plugin that
 * hands the requested root services to the test. Not part of the package's API.
 */
export async function startProbeBackend<
  R extends Record<string, ServiceRef<unknown, 'root', 'singleton'>>,
>(options: {
  sandbox: Sandbox;
  /** Sandbox clusters to put in config (default: all). */
  clusters?: string[];
  /** More `groundcrew.kubernetes` config, merged over the generated clusters. */
  kubernetes?: object;
  database?: object;
  refs: R;
  /** What the cache (when in `refs`) is asked to watch, as plugins ask at start (default: every kind). */
  watch?: Iterable<WatchedKind>;
}) {
  const started = await startServicesBackend({
    data: {
      backend: {
        baseUrl: 'http://localhost:0',
        database: options.database ?? {
          client: 'better-sqlite3',
          connection: ':memory:',
        },
      },
      groundcrew: {
        kubernetes: {
          registrySyncIntervalSeconds: 0.2,
          clusters: fleetClustersConfig(options.sandbox, options.clusters),
          ...options.kubernetes,
        },
      },
    },
    refs: options.refs,
  });
  for (const [key, ref] of Object.entries(options.refs)) {
    if (ref.id === kubernetesCacheServiceRef.id) {
      const cache = started.services[key] as KubernetesCacheService;
      cache.watch(options.watch ?? WATCHED_KINDS);
    }
  }
  return started;
}

type Falsy = undefined | null | false | 0 | '';

/** Polls until the check passes (returns a truthy value) or the time is up. */
export async function eventually<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
      last = new Error(`still ${JSON.stringify(value)}`);
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw last;
    await new Promise(r => setTimeout(r, 50));
  }
}
