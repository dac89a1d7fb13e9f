import { createBackendPlugin, ServiceRef } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { fleetClustersConfig, Sandbox } from '@groundcrew/sandbox';

type Refs = Record<string, ServiceRef<unknown, 'root', 'singleton'>>;
type Services<R extends Refs> = {
  [K in keyof R]: R[K] extends ServiceRef<infer T, 'root', 'singleton'>
    ? T
    : never;
};

/**
 * Test helper: a backend whose config points the fleet at sandbox clusters, with a probe plugin that
 * hands the requested root services to the test. Not part of the package's API.
 */
export async function startProbeBackend<R extends Refs>(options: {
  sandbox: Sandbox;
  /** Sandbox clusters to put in config (default: all). */
  clusters?: string[];
  /** More `groundcrew.kubernetes` config, merged over the generated clusters. */
  kubernetes?: object;
  database?: object;
  refs: R;
}): Promise<{ services: Services<R>; stop: () => Promise<void> }> {
  const { sandbox } = options;
  let services: Services<R> | undefined;
  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({
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
              clusters: fleetClustersConfig(sandbox, options.clusters),
              ...options.kubernetes,
            },
          },
        },
      }),
      createBackendPlugin({
        pluginId: 'probe',
        register(reg) {
          reg.registerInit({
            deps: options.refs,
            async init(deps) {
              services = deps as Services<R>;
            },
          });
        },
      }),
    ],
  });
  return { services: services!, stop: () => backend.stop() };
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
