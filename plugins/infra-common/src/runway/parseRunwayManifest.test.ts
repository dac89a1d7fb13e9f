import {
  formatRunwayProblem,
  parseRunwayManifest,
  stringifyRunwayManifest,
  validateRunwayManifest,
  type RunwayManifestProblem,
} from './parseRunwayManifest';
import {
  runwayRolloutSteps,
  type RunwayCloudRunManifest,
} from './runwayManifestSchema';

const METADATA = `apiVersion: runway/v1
kind: RunwayService
metadata:
  name: hello-runway
  owner_email_handle: jdoe
  department: eng-infra
  department_group: eng-infra-platform
  product_category: runway
`;

/** A manifest whose spec starts at line 9 and whose regions are on line 10. */
function manifest(spec: string, head = METADATA): string {
  return `${head}spec:\n  regions: [us-east1]\n${spec}`;
}

function problemsOf(text: string): RunwayManifestProblem[] {
  const result = parseRunwayManifest(text);
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.problems;
}

function formatted(text: string): string[] {
  return problemsOf(text).map(formatRunwayProblem);
}

describe('parseRunwayManifest', () => {
  it('fills in the documented defaults of a minimal Cloud Run manifest', () => {
    const result = parseRunwayManifest(manifest(''));
    expect(result).toEqual({
      ok: true,
      manifest: {
        apiVersion: 'runway/v1',
        kind: 'RunwayService',
        metadata: {
          name: 'hello-runway',
          owner_email_handle: 'jdoe',
          department: 'eng-infra',
          department_group: 'eng-infra-platform',
          product_category: 'runway',
        },
        spec: {
          container_port: 8080,
          regions: ['us-east1'],
          resources: {
            limits: { cpu: '1000m', memory: '512Mi' },
            startup_cpu_boost: false,
          },
          scalability: { min_instances: 0 },
          load_balancing: {
            external_load_balancer: {
              enabled: false,
              backend_protocol: 'HTTP1',
            },
            internal_load_balancer: {
              enabled: true,
              backend_protocol: 'HTTP1',
            },
          },
          deployment: { strategy: 'gradual' },
        },
      },
    });
    expect(result.ok && runwayRolloutSteps(result.manifest)).toEqual([
      5, 25, 75, 100,
    ]);
  });

  it('gives GKE at least one replica and no startup CPU boost', () => {
    const result = parseRunwayManifest(
      manifest(
        '',
        METADATA.replace('RunwayService', 'RunwayKubernetesService'),
      ),
    );
    expect(result.ok && result.manifest.spec.scalability).toEqual({
      min_instances: 1,
    });
    expect(result.ok && result.manifest.spec.resources).toEqual({
      limits: { cpu: '1000m', memory: '512Mi' },
    });
    expect(
      formatted(
        manifest(
          '  scalability:\n    min_instances: 0\n',
          METADATA.replace('RunwayService', 'RunwayKubernetesService'),
        ),
      ),
    ).toEqual(['spec.scalability.min_instances (line 12) must be ≥ 1']);
    expect(
      formatted(
        manifest(
          '  resources:\n    startup_cpu_boost: true\n',
          METADATA.replace('RunwayService', 'RunwayKubernetesService'),
        ),
      ),
    ).toEqual([
      'spec.resources (line 12) has an unknown field `startup_cpu_boost`',
    ]);
  });

  it('reports max_instances below min_instances at the line of max_instances', () => {
    const text = manifest(
      [
        '  scalability:',
        '    min_instances: 3',
        '    max_instances: 2',
        '',
      ].join('\n'),
    );
    expect(problemsOf(text)).toEqual([
      {
        path: 'spec.scalability.max_instances',
        line: 13,
        message: 'must be ≥ min_instances',
      },
    ]);
    expect(formatted(text)).toEqual([
      'spec.scalability.max_instances (line 13) must be ≥ min_instances',
    ]);
  });

  it('reports an unknown field at the line of that field', () => {
    expect(
      problemsOf(manifest('  scalability:\n    min_instance: 2\n')),
    ).toEqual([
      {
        path: 'spec.scalability',
        line: 12,
        message: 'has an unknown field `min_instance`',
      },
    ]);
    expect(formatted(`${METADATA}colour: blue\n`)).toEqual([
      'spec (line 1) is required',
      'manifest (line 9) has an unknown field `colour`',
    ]);
  });

  it('names both kinds when the kind is wrong, and says when it is missing', () => {
    expect(
      problemsOf(METADATA.replace('kind: RunwayService', 'kind: CloudRun')),
    ).toEqual([
      {
        path: 'kind',
        line: 2,
        message: 'must be one of RunwayService, RunwayKubernetesService',
      },
    ]);
    expect(formatted(METADATA.replace('kind: RunwayService\n', ''))).toEqual([
      'kind (line 1) is required',
    ]);
    expect(
      formatted(manifest('', METADATA.replace('runway/v1', 'runway/v2'))),
    ).toEqual(['apiVersion (line 1) must be runway/v1']);
  });

  it('reports a missing field at the line of its nearest parent', () => {
    expect(
      formatted(manifest('', METADATA.replace('  name: hello-runway\n', ''))),
    ).toEqual(['metadata.name (line 3) is required']);
    expect(formatted(METADATA)).toEqual(['spec (line 1) is required']);
  });

  it('wants rollout steps increasing, within 1..100 and ending at 100', () => {
    const steps = (list: string) =>
      formatted(
        manifest(`  deployment:\n    rollout_traffic_percentages: ${list}\n`),
      );
    expect(steps('[10, 5, 100]')).toEqual([
      'spec.deployment.rollout_traffic_percentages[1] (line 12) must be greater than the step before it (10)',
    ]);
    expect(steps('[10, 10, 100]')).toEqual([
      'spec.deployment.rollout_traffic_percentages[1] (line 12) must be greater than the step before it (10)',
    ]);
    expect(steps('[10, 50]')).toEqual([
      'spec.deployment.rollout_traffic_percentages[1] (line 12) must be 100: the last step sends all traffic to the new version',
    ]);
    expect(steps('[0, 100]')).toEqual([
      'spec.deployment.rollout_traffic_percentages[0] (line 12) must be ≥ 1',
    ]);
    expect(steps('[50, 150]')).toEqual([
      'spec.deployment.rollout_traffic_percentages[1] (line 12) must be ≤ 100',
    ]);
    expect(steps('[]')).toEqual([
      'spec.deployment.rollout_traffic_percentages (line 12) must have at least 1 item',
    ]);
    expect(steps('[12.5, 100]')).toEqual([
      'spec.deployment.rollout_traffic_percentages[0] (line 12) must be an integer',
    ]);
    // In block form each step has its own line.
    expect(
      formatted(
        manifest(
          '  deployment:\n    rollout_traffic_percentages:\n      - 5\n      - 50\n      - 40\n',
        ),
      ),
    ).toEqual([
      'spec.deployment.rollout_traffic_percentages[2] (line 15) must be greater than the step before it (50)',
      'spec.deployment.rollout_traffic_percentages[2] (line 15) must be 100: the last step sends all traffic to the new version',
    ]);
  });

  it('refuses rollout steps with an expedited deployment', () => {
    expect(
      formatted(
        manifest(
          '  deployment:\n    strategy: expedited\n    rollout_traffic_percentages: [100]\n',
        ),
      ),
    ).toEqual([
      'spec.deployment.rollout_traffic_percentages (line 13) must be left out with strategy expedited',
    ]);
    const result = parseRunwayManifest(
      manifest('  deployment:\n    strategy: expedited\n'),
    );
    expect(result.ok && runwayRolloutSteps(result.manifest)).toEqual([100]);
    expect(
      formatted(manifest('  deployment:\n    strategy: canary\n')),
    ).toEqual([
      'spec.deployment.strategy (line 12) must be one of gradual, expedited, legacy',
    ]);
  });

  it('has no field for a secret value: only plain values and Vault references', () => {
    const env = (body: string) => manifest(`  environment_variables:\n${body}`);
    const ok = parseRunwayManifest(
      env(
        '    LOG_LEVEL:\n      value: debug\n    DB_PASSWORD:\n      vault:\n        path: runway/env/production/service/hello-runway/db\n        key: password\n',
      ),
    );
    expect(ok.ok && ok.manifest.spec.environment_variables).toEqual({
      LOG_LEVEL: { value: 'debug' },
      DB_PASSWORD: {
        vault: {
          path: 'runway/env/production/service/hello-runway/db',
          key: 'password',
        },
      },
    });
    for (const field of [
      'secret',
      'secretValue',
      'secret_value',
      'valueFrom',
    ]) {
      expect(
        problemsOf(env(`    API_TOKEN:\n      ${field}: hunter2\n`)),
      ).toContainEqual({
        path: 'spec.environment_variables.API_TOKEN',
        line: 13,
        message: `has an unknown field \`${field}\``,
      });
    }
    // A plain value that looks secret is not guessed at: it is the owner's call.
    expect(
      parseRunwayManifest(env('    GREETING:\n      value: hunter2\n')).ok,
    ).toBe(true);
    expect(
      formatted(
        env(
          '    API_TOKEN:\n      vault:\n        path: a/b\n        key: k\n        value: hunter2\n',
        ),
      ),
    ).toEqual([
      'spec.environment_variables.API_TOKEN.vault (line 16) has an unknown field `value`',
    ]);
    expect(
      formatted(
        env('    A:\n      value: x\n      vault: {path: a, key: b}\n'),
      ),
    ).toEqual([
      'spec.environment_variables.A (line 12) must have exactly one of `value` or `vault`',
    ]);
    expect(formatted(env('    PORT:\n      value: 8080\n'))).toEqual([
      'spec.environment_variables.PORT.value (line 13) must be a string (quote numbers and booleans)',
    ]);
    expect(formatted(env('    log_level:\n      value: debug\n'))).toEqual([
      'spec.environment_variables (line 12) has `log_level`, which must be an environment variable name: upper-case letters, digits and `_`',
    ]);
  });

  it('checks names, regions, quantities and probes', () => {
    expect(
      formatted(manifest('', METADATA.replace('hello-runway', 'Hello_Runway'))),
    ).toEqual([
      'metadata.name (line 4) must be a DNS label: lower-case letters, digits and `-`, starting and ending with a letter or digit',
    ]);
    expect(
      formatted(manifest('', METADATA.replace('hello-runway', 'a'.repeat(64)))),
    ).toEqual(['metadata.name (line 4) must be at most 63 characters long']);
    expect(
      formatted(
        `${METADATA}spec:\n  regions:\n    - us-east1\n    - Mars\n    - us-east1\n`,
      ),
    ).toEqual([
      'spec.regions[1] (line 12) must be a GCP region name such as us-east1',
      'spec.regions[2] (line 13) repeats us-east1',
    ]);
    expect(
      formatted(
        manifest(
          '  resources:\n    limits:\n      cpu: 2\n      memory: lots\n',
        ),
      ),
    ).toEqual([
      'spec.resources.limits.cpu (line 13) must be a CPU quantity in quotes, such as "1000m" or "2"',
      'spec.resources.limits.memory (line 14) must be a memory quantity such as 512Mi or 2Gi',
    ]);
    expect(
      formatted(
        manifest(
          '  liveness_probe:\n    path: healthz\n    period_seconds: 5\n    timeout_seconds: 10\n',
        ),
      ),
    ).toEqual([
      'spec.liveness_probe.path (line 12) must be an HTTP path starting with /',
      'spec.liveness_probe.timeout_seconds (line 14) must be ≤ period_seconds',
    ]);
    expect(
      formatted(
        manifest(
          '  liveness_probe:\n    path: /healthz\n    period_seconds: 5\n    timeout_seconds: 10\n',
        ),
      ),
    ).toEqual([
      'spec.liveness_probe.timeout_seconds (line 14) must be ≤ period_seconds',
    ]);
    expect(formatted(manifest('  container_port: 70000\n'))).toEqual([
      'spec.container_port (line 11) must be ≤ 65535',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(
      problemsOf(
        `${METADATA}spec:\n  regions: [us-east1\n  container_port: 8080\n`,
      ),
    ).toEqual([
      expect.objectContaining({
        path: '',
        // Where the parser finds the flow sequence unclosed: the next key.
        line: 11,
        message: expect.stringMatching(/^is not valid YAML: Flow sequence/),
      }),
    ]);
    const duplicate = problemsOf(`${METADATA}kind: RunwayService\n`);
    expect(duplicate).toEqual([
      {
        path: '',
        line: 9,
        message: 'is not valid YAML: Map keys must be unique',
      },
    ]);
    expect(formatRunwayProblem(duplicate[0])).toBe(
      'manifest (line 9) is not valid YAML: Map keys must be unique',
    );
  });

  it('says what is wrong with a file that is not a mapping', () => {
    expect(formatted('')).toEqual(['manifest must be a mapping']);
    expect(formatted('- a\n- b\n')).toEqual([
      'manifest (line 1) must be a mapping',
    ]);
  });

  it('lists problems in the order of the file', () => {
    const lines = problemsOf(
      manifest(
        '  scalability:\n    min_instances: 3\n    max_instances: 2\n  container_port: 0\n',
        METADATA.replace('jdoe', 'j@doe'),
      ),
    ).map(problem => problem.line);
    expect(lines).toEqual([5, 13, 14]);
  });
});

describe('validateRunwayManifest', () => {
  it('validates a value without lines', () => {
    expect(
      validateRunwayManifest({
        kind: 'RunwayService',
        metadata: {
          name: 'x',
          owner_email_handle: 'jdoe',
          department: 'eng',
          department_group: 'eng-infra',
          product_category: 'runway',
        },
        spec: {
          regions: ['us-east1'],
          scalability: { min_instances: 5, max_instances: 1 },
        },
      }),
    ).toEqual({
      ok: false,
      problems: [
        {
          path: 'spec.scalability.max_instances',
          message: 'must be ≥ min_instances',
        },
      ],
    });
    expect(validateRunwayManifest(undefined)).toEqual({
      ok: false,
      problems: [{ path: '', message: 'must be a mapping' }],
    });
  });
});

describe('stringifyRunwayManifest', () => {
  it('writes the schema header and reads back to the same manifest', () => {
    const read = parseRunwayManifest(
      manifest(
        '  environment_variables:\n    B:\n      value: "1"\n    A:\n      vault: {path: x/y, key: z}\n',
      ),
    );
    if (!read.ok) throw new Error('expected a valid manifest');
    const url = 'https://backstage.example.com/api/infra/runway/schema.json';
    const text = stringifyRunwayManifest(read.manifest, { schemaUrl: url });
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${url}`);
    expect(stringifyRunwayManifest(read.manifest)).toMatch(/^apiVersion: /);
    expect(text).toContain(
      'apiVersion: runway/v1\nkind: RunwayService\nmetadata:\n',
    );
    expect(parseRunwayManifest(text)).toEqual(read);
    expect(stringifyRunwayManifest(read.manifest, { schemaUrl: url })).toBe(
      text,
    );
  });

  it('refuses to write an invalid manifest', () => {
    const read = parseRunwayManifest(manifest(''));
    if (!read.ok || read.manifest.kind !== 'RunwayService') {
      throw new Error('expected a valid Cloud Run manifest');
    }
    const cloudRun: RunwayCloudRunManifest = read.manifest;
    expect(() =>
      stringifyRunwayManifest({
        ...cloudRun,
        spec: { ...cloudRun.spec, container_port: 0 },
      }),
    ).toThrow('Invalid Runway manifest: spec.container_port must be ≥ 1');
  });
});
