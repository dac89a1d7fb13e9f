import { createBackend } from '@backstage/backend-defaults';
import { createRootLoggerServiceFactory } from '@groundcrew/plugin-infra-node';

/**
 * A benchmark backend is a child of the bench program, started with an IPC channel:
 * - when the bench dies without stopping it (SIGKILL, a crash), the channel closes and the backend
 *   must not outlive it;
 * - the bench asks it for `process.memoryUsage()`, to tell the V8 heap from the rest of its RSS,
 *   optionally after a full collection (when started with --expose-gc) to see what is retained.
 */
export function benchChild() {
  if (!process.send) return;
  process.on('disconnect', () => process.exit(0));
  process.on('message', message => {
    const request = message as {
      type?: string;
      collectGarbage?: boolean;
    } | null;
    if (request?.type !== 'bench.memoryUsage') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (request.collectGarbage && gc) gc();
    process.send!({
      memoryUsage: process.memoryUsage(),
      collected: Boolean(request.collectGarbage && gc),
    });
  });
}

/**
 * What both sides share, so that they differ only in the plugin measured: a benchmark child, the
 * catalog, the permission backend with the allow-all policy, and the root logger with its config
 * schema read from the file the bench compiled beforehand (GROUNDCREW_CONFIG_SCHEMA), as a
 * production build would ship it; the default behaviour when the variable is not set
 * (BENCH_RUNTIME=dev).
 */
export function createBenchBackend() {
  benchChild();
  const backend = createBackend();
  backend.add(
    createRootLoggerServiceFactory({
      schemaFile: process.env.GROUNDCREW_CONFIG_SCHEMA,
    }),
  );
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import('@backstage/plugin-permission-backend-module-allow-all-policy'),
  );
  return backend;
}
