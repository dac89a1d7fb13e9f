import yaml from 'yaml';
import { createGcpProjectCreateAction } from './gcpProjectCreate';
import { createGkeClusterCreateAction } from './gkeClusterCreate';
import { actionContext, startGcpTestEnv } from '../__testUtils__/gcpTestEnv';

type Env = Awaited<ReturnType<typeof startGcpTestEnv>>;

describe('every documented example runs against the imitations', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startGcpTestEnv();
  });
  afterAll(() => env.stop());

  function actions() {
    return [
      createGcpProjectCreateAction(env.deps()),
      createGkeClusterCreateAction(env.deps()),
    ];
  }

  it('runs each example of gcp:project:create, then of gke:cluster:create, and each converges on a second run', async () => {
    let ran = 0;
    for (const action of actions()) {
      for (const example of action.examples ?? []) {
        const { steps } = yaml.parse(example.example) as {
          steps: Array<{ action: string; input: Record<string, unknown> }>;
        };
        for (const step of steps) {
          expect(step.action).toBe(action.id);
          const first = actionContext(step.input);
          await action.handler(first.ctx as never);
          const before = (await env.control.counters()).mutations;
          await action.handler(actionContext(step.input).ctx as never);
          expect({
            example: example.description,
            mutations: (await env.control.counters()).mutations - before,
          }).toEqual({
            example: example.description,
            mutations: 0,
          });
          ran += 1;
        }
      }
    }
    expect(ran).toBe(5);
  });
});
