import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { checkInput } from '@groundcrew/plugin-infra-node';
import {
  RunwayManifest,
  runwayRolloutSteps,
} from '@groundcrew/plugin-infra-common';
import { z } from 'zod/v3';
import { examples } from './manifestValidate.examples';
import {
  checkManifestObject,
  DEFAULT_MANIFEST_PATH,
  readManifestFile,
} from './manifest';

export const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    path: zImpl
      .string()
      .min(1)
      .default(DEFAULT_MANIFEST_PATH)
      .describe(
        'The manifest file in the workspace (default .runway/runway.yml); ignored when `manifest` is given',
      ),
    manifest: zImpl
      .record(zImpl.unknown())
      .optional()
      .describe(
        'A manifest as an object (kind, metadata, spec) to check instead of a file',
      ),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    name: zImpl.string().describe('The service name (metadata.name)'),
    kind: zImpl
      .string()
      .describe('RunwayService (Cloud Run) or RunwayKubernetesService (GKE)'),
    runtime: zImpl.string().describe('cloud-run or gke'),
    regions: zImpl.array(zImpl.string()).describe('spec.regions'),
    rolloutSteps: zImpl
      .array(zImpl.number())
      .describe('The traffic percentages a rollout steps through'),
  });

export function runtimeOf(manifest: RunwayManifest): 'gke' | 'cloud-run' {
  return manifest.kind === 'RunwayKubernetesService' ? 'gke' : 'cloud-run';
}

/**
 * `runway:manifest:validate`: checks a Runway manifest against the schema. An invalid one fails
 * the step with every problem, each with its YAML path and line. Reads only.
 */
export function createRunwayManifestValidateAction() {
  return createTemplateAction({
    id: 'runway:manifest:validate',
    description:
      'Checks a Runway manifest (.runway/runway.yml) and fails with each problem and its line. Changes nothing.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = checkInput(inputSchema(z), ctx.input);
      const manifest = input.manifest
        ? checkManifestObject(input.manifest, 'the manifest')
        : (await readManifestFile(ctx.workspacePath, input.path, 'path'))
            .manifest;
      ctx.logger.info(
        `${manifest.metadata.name}: a valid ${manifest.kind} manifest`,
      );
      ctx.output('name', manifest.metadata.name);
      ctx.output('kind', manifest.kind);
      ctx.output('runtime', runtimeOf(manifest));
      ctx.output('regions', manifest.spec.regions);
      ctx.output('rolloutSteps', runwayRolloutSteps(manifest));
    },
  });
}
