// fast-check is a root devDependency; infra-common's package.json is to declare it too.
import fc from 'fast-check';
import {
  parseRunwayManifest,
  stringifyRunwayManifest,
} from './parseRunwayManifest';
import {
  runwayManifestSchema,
  type RunwayManifestInput,
} from './runwayManifestSchema';

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const steps = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 5 })
  .map(list => [...list.sort((a, b) => a - b), 100]);
const probe = fc.record(
  {
    path: fc.constantFrom('/', '/healthz', '/-/ready'),
    initial_delay_seconds: fc.integer({ min: 0, max: 240 }),
    period_seconds: fc.integer({ min: 10, max: 240 }),
    failure_threshold: fc.integer({ min: 1, max: 50 }),
    timeout_seconds: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: ['path'] },
);
const variable = fc.oneof(
  fc.record({ value: fc.string() }),
  fc.record({
    vault: fc.record({
      path: fc.constantFrom('runway/env/production/service/x/db', 'a/b'),
      key: fc.string({ minLength: 1 }),
    }),
  }),
);

const manifestInput: fc.Arbitrary<RunwayManifestInput> = fc
  .record({
    kind: fc.constantFrom(
      'RunwayService' as const,
      'RunwayKubernetesService' as const,
    ),
    name: label,
    min: fc.integer({ min: 1, max: 10 }),
    extra: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    regions: fc.uniqueArray(
      fc.constantFrom('us-east1', 'europe-west4', 'northamerica-northeast1'),
      { minLength: 1 },
    ),
    port: fc.integer({ min: 1, max: 65535 }),
    rollout: fc.option(steps, { nil: undefined }),
    startup: fc.option(probe, { nil: undefined }),
    env: fc.option(
      fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), variable),
      { nil: undefined },
    ),
  })
  .map(m => ({
    kind: m.kind,
    metadata: {
      name: m.name,
      owner_email_handle: 'jdoe',
      department: 'eng-infra',
      department_group: 'eng-infra-platform',
      product_category: 'runway',
    },
    spec: {
      container_port: m.port,
      regions: m.regions,
      scalability: {
        min_instances: m.min,
        ...(m.extra === undefined ? {} : { max_instances: m.min + m.extra }),
      },
      ...(m.rollout
        ? { deployment: { rollout_traffic_percentages: m.rollout } }
        : {}),
      ...(m.startup ? { startup_probe: m.startup } : {}),
      ...(m.env ? { environment_variables: m.env } : {}),
    },
  }));

describe('runwayManifestSchema', () => {
  it('round-trips every valid manifest through YAML unchanged', () => {
    fc.assert(
      fc.property(manifestInput, input => {
        const manifest = runwayManifestSchema.parse(input);
        expect(parseRunwayManifest(stringifyRunwayManifest(manifest))).toEqual({
          ok: true,
          manifest,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses max_instances below min_instances, whatever the numbers', () => {
    fc.assert(
      fc.property(
        manifestInput,
        fc.integer({ min: 2, max: 100 }),
        fc.integer({ min: 1, max: 99 }),
        (input, min, less) => {
          const result = runwayManifestSchema.safeParse({
            ...input,
            spec: {
              ...input.spec,
              scalability: {
                min_instances: min,
                max_instances: Math.max(1, min - less),
              },
            },
          });
          expect(result.success).toBe(false);
          expect(
            result.error?.issues.map(issue => issue.path.join('.')),
          ).toEqual(['spec.scalability.max_instances']);
        },
      ),
    );
  });
});
