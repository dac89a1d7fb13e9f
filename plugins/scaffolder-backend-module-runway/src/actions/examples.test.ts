import { createRunwayManifestValidateAction } from './manifestValidate';
import { createRunwayServiceCreateAction } from './serviceCreate';
import yaml from 'yaml';
import { startRunwayTestEnv } from '../__testUtils__/runwayTestEnv';

type Env = Awaited<ReturnType<typeof startRunwayTestEnv>>;

function stepsOf(example: { example: string }) {
  return (
    yaml.parse(example.example) as {
      steps: Array<{ action: string; input: Record<string, unknown> }>;
    }
  ).steps;
}

// Each test turns services up and waits for them (seconds on a busy CI machine).
jest.setTimeout(60_000);

describe('every documented example runs against the imitations', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startRunwayTestEnv();
  });
  afterAll(() => env.stop());

  it('runs each example of runway:service:create, and each converges on a second run', async () => {
    const action = createRunwayServiceCreateAction(env.deps());
    const mutations = async () =>
      (await env.kubeMutations()) + (await env.gcpMutations());
    let ran = 0;
    for (const example of action.examples ?? []) {
      for (const step of stepsOf(example)) {
        expect(step.action).toBe(action.id);
        await env.run(action, step.input);
        const before = await mutations();
        await env.run(action, step.input);
        expect({
          example: example.description,
          mutations: (await mutations()) - before,
        }).toEqual({ example: example.description, mutations: 0 });
        ran += 1;
      }
    }
    expect(ran).toBe(2);
  });

  it('runs each example of runway:manifest:validate on the manifest runway:service:create wrote', async () => {
    const create = createRunwayServiceCreateAction(env.deps());
    const { workspacePath } = await env.run(
      create,
      stepsOf(create.examples![0])[0].input,
      { dryRun: true },
    );
    const action = createRunwayManifestValidateAction();
    let ran = 0;
    for (const example of action.examples ?? []) {
      for (const step of stepsOf(example)) {
        const { outputs } = await env.run(action, step.input, {
          workspacePath,
        });
        expect(outputs.name).toMatch(/^[a-z-]+$/);
        ran += 1;
      }
    }
    expect(ran).toBe(2);
  });
});
