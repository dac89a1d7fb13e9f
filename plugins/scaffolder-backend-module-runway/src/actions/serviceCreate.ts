import {
  AuditorService,
  DiscoveryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { infraEntityRef } from '@groundcrew/plugin-infra-common';
import {
  checkInput,
  GcpService,
  InfraEventsPublisher,
  KubernetesFleetService,
  publishInfraChanged,
} from '@groundcrew/plugin-infra-node';
import { z } from 'zod/v3';
import type { RunwayActionsConfig } from '../config';
import { authorizeTurnUp, parseOwner } from './authorize';
import { turnUpOnCloudRun } from './cloudRun/turnUp';
import { turnUpOnGke } from './gke/turnUp';
import { defaultRelease, parseImage } from './image';
import {
  checkManifestObject,
  DEFAULT_MANIFEST_PATH,
  writeManifest,
} from './manifest';
import { runtimeOf } from './manifestValidate';
import { examples } from './serviceCreate.examples';

const LABEL_VALUE = /^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    manifest: zImpl
      .record(zImpl.unknown())
      .describe(
        'The Runway manifest as an object (kind, metadata, spec); checked against the Runway schema and written to manifestPath',
      ),
    image: zImpl
      .string()
      .min(1)
      .describe(
        'The container image with a tag or digest, e.g. registry.example.com/team-ai/ai-gateway:1.4.2',
      ),
    owner: zImpl
      .string()
      .min(1)
      .describe('The owner group, e.g. group:default/team-ai'),
    stage: zImpl
      .string()
      .regex(LABEL_VALUE, 'must be a short lower-case word such as main')
      .default('main')
      .describe('The deployment stage label (default main)'),
    release: zImpl
      .string()
      .regex(
        LABEL_VALUE,
        'must be at most 30 lower-case letters, digits and hyphens',
      )
      .optional()
      .describe("The release label (default: from the image's tag)"),
    cluster: zImpl
      .string()
      .min(1)
      .optional()
      .describe('GKE (RunwayKubernetesService): the fleet cluster'),
    namespace: zImpl
      .string()
      .regex(DNS_LABEL, 'must be a DNS label')
      .optional()
      .describe('GKE: the namespace (default: the service name)'),
    projectId: zImpl
      .string()
      .min(1)
      .optional()
      .describe(
        'Cloud Run (RunwayService): the GCP project; the service runs in every region of spec.regions',
      ),
    manifestPath: zImpl
      .string()
      .min(1)
      .default(DEFAULT_MANIFEST_PATH)
      .describe('Where the manifest is written in the workspace'),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    name: zImpl.string().describe('The service name'),
    runtime: zImpl.string().describe('gke or cloud-run'),
    release: zImpl.string().describe('The release label'),
    stage: zImpl.string().describe('The deployment stage'),
    manifestPath: zImpl.string().describe('The manifest in the workspace'),
    cluster: zImpl.string().optional().describe('GKE: the cluster'),
    namespace: zImpl.string().optional().describe('GKE: the namespace'),
    projectId: zImpl.string().optional().describe('Cloud Run: the project'),
    urls: zImpl
      .array(zImpl.string())
      .describe(
        'Where the service answers (route hostnames or Cloud Run URLs)',
      ),
    canaryPercent: zImpl
      .number()
      .describe(
        'The share of traffic the new release gets (0 when it is the only one)',
      ),
    plan: zImpl
      .array(zImpl.string())
      .describe('The changes made (or, in a dry run, that would be made)'),
  });

/**
 * `runway:service:create`: checks the manifest, writes it to the workspace, and turns the service
 * up — on GKE through a Flux HelmRelease, or on Cloud Run. Idempotent and dry-runnable.
 */
export function createRunwayServiceCreateAction(options: {
  fleet: KubernetesFleetService;
  gcp: GcpService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  config: RunwayActionsConfig;
  /** To point the written manifest at the JSON Schema the infra backend serves. */
  discovery?: DiscoveryService;
  /** Tells the catalog to read the new service at once (topic groundcrew.infra.changed). */
  events?: InfraEventsPublisher;
}) {
  const { fleet, gcp, permissions, userInfo, auditor, config, discovery } =
    options;
  return createTemplateAction({
    id: 'runway:service:create',
    description:
      'Turns up a Runway service from its manifest: on GKE a namespace, a registration token Secret and a Flux HelmRelease of the Runway chart; on Cloud Run a service, its revision and the traffic split. Idempotent; supports dry run.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = checkInput(inputSchema(z), ctx.input);
      // Everything is checked before anything is written or applied.
      const manifest = checkManifestObject(input.manifest, input.manifestPath);
      const owner = parseOwner(input.owner);
      const image = parseImage(input.image);
      const release = input.release ?? defaultRelease(image);
      const runtime = runtimeOf(manifest);
      const { name } = manifest.metadata;
      if (manifest.kind === 'RunwayKubernetesService' && !input.cluster) {
        throw new InputError(
          'cluster: a RunwayKubernetesService runs on GKE; name the fleet cluster',
        );
      }
      if (manifest.kind === 'RunwayService' && !input.projectId) {
        throw new InputError(
          'projectId: a RunwayService runs on Cloud Run; name the GCP project',
        );
      }
      const { userEntityRef } = await authorizeTurnUp({
        credentials: await ctx.getInitiatorCredentials(),
        permissions,
        userInfo,
        platformGroup: config.platformGroup,
        ownerRef: owner.ref,
      });

      const schemaUrl = discovery
        ? `${await discovery.getExternalBaseUrl('infra')}/runway/schema.json`
        : undefined;
      await writeManifest(
        ctx.workspacePath,
        input.manifestPath,
        manifest,
        schemaUrl,
      );
      ctx.logger.info(`Wrote ${input.manifestPath} (${manifest.kind} ${name})`);

      const output = async (
        result: { plan: string[]; urls: string[]; canaryPercent: number },
        where: { cluster?: string; namespace?: string; projectId?: string },
      ) => {
        if (!ctx.isDryRun && result.plan.length) {
          await publishInfraChanged(
            options.events,
            {
              kind: 'runway-service',
              name,
              entityRef: infraEntityRef.service(name),
            },
            ctx.logger,
          );
        }
        ctx.output('name', name);
        ctx.output('runtime', runtime);
        ctx.output('release', release);
        ctx.output('stage', input.stage);
        ctx.output('manifestPath', input.manifestPath);
        ctx.output('urls', result.urls);
        ctx.output('canaryPercent', result.canaryPercent);
        ctx.output('plan', result.plan);
        if (where.cluster) ctx.output('cluster', where.cluster);
        if (where.namespace) ctx.output('namespace', where.namespace);
        if (where.projectId) ctx.output('projectId', where.projectId);
      };
      if (manifest.kind === 'RunwayKubernetesService') {
        const cluster = input.cluster!;
        const namespace = input.namespace ?? name;
        const result = await turnUpOnGke({
          ctx,
          fleet,
          auditor,
          config,
          manifest,
          actor: userEntityRef,
          target: {
            cluster,
            namespace,
            owner: owner.name,
            stage: input.stage,
            release,
            image,
          },
        });
        await output(result, { cluster, namespace });
        return;
      }
      const projectId = input.projectId!;
      const result = await turnUpOnCloudRun({
        ctx,
        gcp,
        auditor,
        config,
        manifest,
        actor: userEntityRef,
        target: {
          projectId,
          owner: owner.name,
          stage: input.stage,
          release,
          image,
        },
      });
      await output(result, { projectId });
    },
  });
}
