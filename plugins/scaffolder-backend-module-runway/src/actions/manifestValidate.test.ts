import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  actionContext,
  runAction,
} from '@groundcrew/plugin-infra-node/testUtils';
import { createRunwayManifestValidateAction } from './manifestValidate';

const VALID = `apiVersion: runway/v1
kind: RunwayKubernetesService
metadata:
  name: prompt-router
  owner_email_handle: team-ai
  department: eng-dev
  department_group: eng-dev-ai
  product_category: ai_gateway
spec:
  regions: [us-east1]
  scalability:
    min_instances: 2
    max_instances: 4
  deployment:
    strategy: gradual
    rollout_traffic_percentages: [10, 50, 100]
`;

describe('runway:manifest:validate', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runway-validate-'));
    fs.mkdirSync(path.join(dir, '.runway'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (text: string, input: Record<string, unknown> = {}) => {
    fs.writeFileSync(path.join(dir, '.runway/runway.yml'), text);
    const action = createRunwayManifestValidateAction();
    const c = actionContext(input);
    await action.handler({ ...c.ctx, workspacePath: dir } as never);
    return c.outputs;
  };

  it('outputs what a later step needs from a valid manifest', async () => {
    expect(await run(VALID)).toEqual({
      name: 'prompt-router',
      kind: 'RunwayKubernetesService',
      runtime: 'gke',
      regions: ['us-east1'],
      rolloutSteps: [10, 50, 100],
    });
  });

  it('fails with every problem, each with its YAML path and line in the file', async () => {
    const bad = VALID.replace('max_instances: 4', 'max_instances: 1').replace(
      'regions: [us-east1]',
      'regions: [us-east1]\n  colour: blue',
    );
    await expect(run(bad)).rejects.toThrow(
      'path: .runway/runway.yml is not a valid Runway manifest: spec (line 11) has an unknown field `colour`; spec.scalability.max_instances (line 14) must be ≥ min_instances',
    );
  });

  it('names a missing file, and refuses a path outside the workspace', async () => {
    await expect(run(VALID, { path: 'nope/runway.yml' })).rejects.toThrow(
      'path: there is no file nope/runway.yml in the workspace',
    );
    await expect(run(VALID, { path: '../../etc/passwd' })).rejects.toThrow(
      /outside/,
    );
  });

  it('checks a manifest given as an object', async () => {
    const action = createRunwayManifestValidateAction();
    await expect(
      runAction(action, {
        manifest: { kind: 'RunwayService', metadata: {}, spec: {} },
      }),
    ).rejects.toThrow(
      /^manifest: the manifest is not a valid Runway manifest: metadata\.name \(line \d+\) is required/,
    );
  });
});
