import { createBackendPlugin, ServiceRef } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Sandbox } from '@groundcrew/sandbox';

/**
 * Test helper: a backend whose config points the fleet at sandbox clusters, with a probe plugin that
 * hands the requested root services to the test. Not part of the package's API.
 */
export async function startProbeBackend<T>(options: {
  sandbox: Sandbox;
  /** Sandbox clusters to put in config (default: all), with labels. */
  clusters?: string[];
  /** Extra clusters config (`groundcrew.kubernetes`), merged over the generated one. */
  kubernetes?: object;
  database?: object;
  ref: ServiceRef<T, 'root', 'singleton'>;
}): Promise<{ service: T; stop: () => Promise<void> }> {
  const { sandbox } = options;
  const chosen = sandbox.kubernetes.clusters.filter(
    c => !options.clusters || options.clusters.includes(c.name),
  );
  let service: T | undefined;
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
              clusters: chosen.map(c => ({
                name: c.name,
                url: c.url,
                caData: sandbox.kubernetes.caPem,
                token: c.token,
                labels: c.labels,
              })),
              ...options.kubernetes,
            },
          },
        },
      }),
      createBackendPlugin({
        pluginId: 'probe',
        register(reg) {
          reg.registerInit({
            deps: { s: options.ref },
            async init({ s }) {
              service = s;
            },
          });
        },
      }),
    ],
  });
  return { service: service!, stop: () => backend.stop() };
}

/** Polls until the check passes (returns a truthy value) or the time is up. */
type Falsy = undefined | null | false | 0 | '';

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
