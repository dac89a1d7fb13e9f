import fc from 'fast-check';
import { z } from 'zod/v3';
import {
  createGcpProjectCreateAction,
  inputSchema as projectSchema,
} from './gcpProjectCreate';
import {
  createGkeClusterCreateAction,
  inputSchema as clusterSchema,
} from './gkeClusterCreate';
import {
  actionContext,
  DEMO,
  startGcpTestEnv,
} from '../__testUtils__/gcpTestEnv';

type Env = Awaited<ReturnType<typeof startGcpTestEnv>>;

const validProject = {
  projectId: 'fuzz-project-1',
  parent: DEMO.teamAiFolder,
  billingAccount: DEMO.billingAccount,
  labels: { team: 'team-ai' },
  apis: ['container.googleapis.com'],
  owners: ['team-ai@groundcrew.example'],
};

const validCluster = {
  projectId: DEMO.project,
  location: 'us-east1',
  name: 'fuzz-cluster-1',
  nodePools: [
    {
      name: 'default',
      machineType: 'e2-standard-4',
      minNodeCount: 1,
      maxNodeCount: 3,
    },
  ],
  environment: 'development',
};

/** Values that are wrong for most fields: wrong types, empty, too long, odd characters. */
const badValue = fc.oneof(
  fc.constantFrom(
    null,
    42,
    -1,
    true,
    [],
    {},
    '',
    ' ',
    'UPPER',
    'a',
    'x'.repeat(200),
    '-lead',
    'trail-',
    'folders/abc',
    'sp ace',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), {
    maxKeys: 3,
  }),
);

describe('bad input to the GCP actions (property-based)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startGcpTestEnv();
  });
  afterAll(() => env.stop());

  it.each([
    ['gcp:project:create', validProject],
    ['gke:cluster:create', validCluster],
  ] as const)(
    '%s: every invalid field is refused with an InputError that names it, before any write',
    async (id, valid) => {
      const action =
        id === 'gcp:project:create'
          ? createGcpProjectCreateAction(env.deps())
          : createGkeClusterCreateAction(env.deps());
      const schema = (
        id === 'gcp:project:create' ? projectSchema : clusterSchema
      )(z);
      const fields = Object.keys(action.schema!.input!.properties!);
      const before = (await env.control.counters()).mutations;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fields),
          badValue,
          async (field, value) => {
            const input = { ...valid, [field]: value };
            // Only inputs the schema refuses: a random value can be valid (a fine project id).
            fc.pre(!schema.safeParse(input).success);
            const c = actionContext(input);
            const error = await action.handler(c.ctx as never).then(
              () => undefined,
              (e: Error) => e,
            );
            expect(error?.name).toBe('InputError');
            // The message starts with the field's path: `projectId: …`, `nodePools[0].name: …`.
            expect(error?.message).toMatch(
              new RegExp(`^${field}([.[][^:]*)?: `),
            );
            refused += 1;
          },
        ),
        { numRuns: 150, seed: 20261129 },
      );
      expect(refused).toBeGreaterThan(100);
      expect((await env.control.counters()).mutations).toBe(before);
    },
  );
});
