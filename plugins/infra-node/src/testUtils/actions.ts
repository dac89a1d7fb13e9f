import { Writable } from 'node:stream';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
// Test helpers, imported only by tests (`@groundcrew/plugin-infra-node/testUtils`): the test
// utilities stay a devDependency, out of production installs.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/** A logger that keeps what the action wrote, as the task log would show it. */
export function recordingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const make = (): LoggerService => ({
    info: m => void lines.push(m),
    warn: m => void lines.push(`WARN ${m}`),
    error: m => void lines.push(`ERROR ${m}`),
    debug: () => undefined,
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}

/** A mock action context with a user, a recording logger, and dry run when asked. */
export function actionContext<I extends Record<string, unknown>>(
  input: I,
  options: { dryRun?: boolean } = {},
) {
  const logger = recordingLogger();
  const outputs: Record<string, unknown> = {};
  const base = createMockActionContext({ input: input as JsonObject, logger });
  const ctx = {
    ...base,
    logStream: new Writable({ write: (_c, _e, cb) => cb() }),
    isDryRun: options.dryRun ?? false,
    user: { ref: 'user:default/mock' },
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  } as typeof base;
  return { ctx, outputs, logger };
}

/** Runs an action's handler as the scaffolder would, and returns what it output and logged. */
export async function runAction(
  action: { handler: (ctx: never) => Promise<void> },
  input: Record<string, unknown>,
  options: { dryRun?: boolean } = {},
) {
  const c = actionContext(input, options);
  await action.handler(c.ctx as never);
  return c;
}
