import {
  AuditorService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  gcpConsoleUrls,
  GKE_CLUSTER_NAME_PATTERN,
  GKE_RELEASE_CHANNELS,
  gkeClusterCreatePermission,
  GkeCluster,
  infraEntityRef,
} from '@groundcrew/plugin-infra-common';
import type {
  GcpService,
  GkeClusterSpec,
  InfraEventsPublisher,
  KubernetesFleetService,
} from '@groundcrew/plugin-infra-node';
import {
  audited,
  checkInput,
  publishInfraChanged,
} from '@groundcrew/plugin-infra-node';
import { z } from 'zod/v3';
import type { GcpActionsConfig } from '../config';
import { authorizeCreate } from './authorizeCreate';
import { gcpLabels } from './gcpLabels';
import { examples } from './gkeClusterCreate.examples';
import { MANAGED_BY_LABEL } from './gcpProjectCreate';

const CONTAINER_API = 'container.googleapis.com';

export const inputSchema = (zImpl: typeof z) =>
  zImpl
    .object({
      projectId: zImpl
        .string()
        .min(1)
        .describe('The GCP project to create the cluster in'),
      location: zImpl
        .string()
        .regex(/^[a-z]+-[a-z]+\d+$/, 'must be a region such as us-east1')
        .describe('The region (a regional cluster), e.g. europe-west1'),
      name: zImpl
        .string()
        .regex(
          GKE_CLUSTER_NAME_PATTERN,
          'must be 1–40 lower-case letters, digits and hyphens, starting with a letter',
        )
        .describe('The cluster name; also its name in the Groundcrew fleet'),
      releaseChannel: zImpl
        .enum(GKE_RELEASE_CHANNELS)
        .default('REGULAR')
        .describe('GKE release channel: RAPID, REGULAR (default) or STABLE'),
      nodePools: zImpl
        .array(
          zImpl
            .object({
              name: zImpl
                .string()
                .regex(
                  GKE_CLUSTER_NAME_PATTERN,
                  'must be a DNS label of at most 40 characters',
                )
                .describe('Node pool name, e.g. default'),
              machineType: zImpl
                .string()
                .regex(
                  /^[a-z][a-z0-9]*-[a-z0-9-]+$/,
                  'must be a machine type such as e2-standard-4',
                )
                .describe('Compute Engine machine type, e.g. e2-standard-4'),
              minNodeCount: zImpl
                .number()
                .int()
                .min(0)
                .max(1000)
                .describe('Fewest nodes per zone the autoscaler keeps'),
              maxNodeCount: zImpl
                .number()
                .int()
                .min(1)
                .max(1000)
                .describe('Most nodes per zone the autoscaler adds'),
            })
            .refine(p => p.maxNodeCount >= p.minNodeCount, {
              message: 'must be ≥ minNodeCount',
              path: ['maxNodeCount'],
            }),
        )
        .min(1)
        .max(10)
        .describe('Node pools, with autoscaling'),
      privateNodes: zImpl
        .boolean()
        .default(true)
        .describe('Nodes get internal IP addresses only (default true)'),
      labels: gcpLabels(zImpl)
        .optional()
        .describe('GCP resource labels of the cluster'),
      environment: zImpl
        .string()
        .regex(
          /^[a-z][a-z0-9-]{0,30}$/,
          'must be a short lower-case word such as production',
        )
        .describe(
          'The environment label the fleet and the deploy board place the cluster under',
        ),
    })
    .superRefine((v, ctx) => {
      const names = v.nodePools.map(p => p.name);
      names.forEach((n, i) => {
        if (names.indexOf(n) !== i) {
          ctx.addIssue({
            code: 'custom',
            path: ['nodePools', i, 'name'],
            message: `"${n}" is used by another node pool`,
          });
        }
      });
    });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    name: zImpl.string().describe('The cluster name'),
    endpoint: zImpl
      .string()
      .describe('The API server URL (empty in a dry run of a new cluster)'),
    fleetCluster: zImpl
      .string()
      .describe('The cluster name in the Groundcrew fleet'),
    entityRef: zImpl
      .string()
      .describe(
        'The catalog entity the cluster will have (Resource of type kubernetes-cluster)',
      ),
    consoleUrl: zImpl
      .string()
      .describe('The cluster in the Google Cloud console'),
    plan: zImpl
      .array(zImpl.string())
      .describe('The changes made (or, in a dry run, that would be made)'),
  });

type Input = z.infer<ReturnType<typeof inputSchema>>;

function specOf(input: Input): GkeClusterSpec {
  return {
    name: input.name,
    releaseChannel: input.releaseChannel,
    privateNodes: input.privateNodes,
    labels: {
      ...(input.labels ?? {}),
      environment: input.environment,
      [MANAGED_BY_LABEL.key]: MANAGED_BY_LABEL.value,
    },
    nodePools: input.nodePools,
  };
}

/** Differences between a cluster that exists and what was asked, for the log (not changed). */
function drift(cluster: GkeCluster, spec: GkeClusterSpec): string[] {
  const out: string[] = [];
  if (
    cluster.releaseChannel &&
    cluster.releaseChannel !== spec.releaseChannel
  ) {
    out.push(
      `release channel is ${cluster.releaseChannel}, not ${spec.releaseChannel}`,
    );
  }
  for (const pool of spec.nodePools) {
    const has = cluster.nodePools.find(p => p.name === pool.name);
    if (!has) out.push(`node pool ${pool.name} is missing`);
    else if (has.machineType !== pool.machineType) {
      out.push(
        `node pool ${pool.name} runs ${has.machineType}, not ${pool.machineType}`,
      );
    }
  }
  return out;
}

/**
 * `gke:cluster:create`: a GKE cluster in a project, followed to RUNNING with its progress in the
 * task log, then registered in the Groundcrew fleet (credentials by reference) so the deploy
 * board watches it. Idempotent, dry-runnable, and a re-run picks up an operation still running.
 */
export function createGkeClusterCreateAction(options: {
  gcp: GcpService;
  fleet: KubernetesFleetService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  config: GcpActionsConfig;
  /** Tells the catalog to read the new cluster at once (topic groundcrew.infra.changed). */
  events?: InfraEventsPublisher;
}) {
  const { gcp, fleet, permissions, userInfo, auditor, config } = options;
  return createTemplateAction({
    id: 'gke:cluster:create',
    description:
      'Creates a GKE cluster (or adopts the one Groundcrew made), waits for it to run, and registers it in the Groundcrew fleet. Idempotent; supports dry run.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = checkInput(inputSchema(z), ctx.input);
      const { projectId, location, name } = input;
      const spec = specOf(input);
      const where = `${projectId}/${location}`;

      const project = await gcp.getProject(projectId);
      if (!project || project.state !== 'ACTIVE') {
        throw new InputError(
          `projectId: ${projectId} does not exist or Groundcrew may not see it`,
        );
      }
      const { userEntityRef } = await authorizeCreate({
        credentials: await ctx.getInitiatorCredentials(),
        permissions,
        userInfo,
        config,
        permission: gkeClusterCreatePermission,
        parent: project.parent,
        what: `GKE clusters in ${projectId}`,
      });

      // Pre-flight: reads only.
      if (!gcp.regions().includes(location)) {
        throw new InputError(
          `location: ${location} is not one of the regions offered (${gcp
            .regions()
            .join(', ')})`,
        );
      }
      const fleetCredential = config.fleetCredential;
      if (!fleetCredential) {
        throw new InputError(
          'groundcrew.gke.fleetCredential is not set: name the groundcrew.kubernetes.credentials entry new clusters are registered with',
        );
      }
      if (!(await gcp.listEnabledServices(projectId)).includes(CONTAINER_API)) {
        throw new InputError(
          `projectId: the Kubernetes Engine API (${CONTAINER_API}) is not enabled on ${projectId}; enable it (the GCP project template does) and run again`,
        );
      }
      const inFleet = (await fleet.listClusters()).find(c => c.name === name);
      if (inFleet && inFleet.labels['gcp-project'] !== projectId) {
        throw new InputError(
          `name: the fleet already has a cluster named ${name} that is not this project's; choose another name`,
        );
      }

      let cluster = await gcp.getCluster({ projectId, location, name });
      const plan: string[] = [];
      if (
        cluster &&
        !(cluster.labels[MANAGED_BY_LABEL.key] === MANAGED_BY_LABEL.value)
      ) {
        throw new InputError(
          `name: ${where} already has a cluster named ${name} that Groundcrew did not create`,
        );
      }
      const broken = cluster && isBroken(cluster);
      if (!cluster) plan.push(`create cluster ${name} in ${where}`);
      else if (broken) {
        plan.push(
          `delete cluster ${name} (${cluster.status}: ${
            cluster.statusMessage ?? 'no message'
          }) and create it again`,
        );
      } else {
        for (const d of drift(cluster, spec)) {
          ctx.logger.warn(
            `Cluster ${name} exists and differs: ${d} (left as is)`,
          );
        }
        if (cluster.status !== 'RUNNING')
          plan.push(`wait for cluster ${name} (${cluster.status})`);
      }
      const registeredAt =
        cluster?.status === 'RUNNING' && cluster.endpoint
          ? `https://${cluster.endpoint}`
          : undefined;
      if (!registeredAt || inFleet?.url !== registeredAt) {
        plan.push(`register ${name} in the Groundcrew fleet`);
      }
      if (plan.length) {
        ctx.logger.info(`Plan for ${name}:\n  - ${plan.join('\n  - ')}`);
      }

      const consoleUrl = gcpConsoleUrls.cluster({ projectId, location, name });
      const outputs = (endpoint: string) => {
        ctx.output('name', name);
        ctx.output('endpoint', endpoint);
        ctx.output('fleetCluster', name);
        ctx.output('entityRef', infraEntityRef.cluster(name));
        ctx.output('consoleUrl', consoleUrl);
        ctx.output('plan', plan);
      };
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: nothing was changed');
        outputs(cluster?.endpoint ? `https://${cluster.endpoint}` : '');
        return;
      }

      const wait = {
        onProgress: (m: string) => ctx.logger.info(`${name}: ${m}`),
        timeoutMs: config.clusterOperationTimeoutMs,
        signal: ctx.signal,
      };

      if (!plan.length && registeredAt) {
        ctx.logger.info(
          `Cluster ${name} runs and is in the Groundcrew fleet; nothing to change`,
        );
        outputs(registeredAt);
        return;
      }
      const { endpoint } = await audited(
        auditor,
        {
          eventId: 'gke-cluster-create',
          actor: userEntityRef,
          target: `projects/${projectId}/locations/${location}/clusters/${name}`,
          before: cluster
            ? { status: cluster.status, inFleet: Boolean(inFleet) }
            : { exists: false, inFleet: Boolean(inFleet) },
          plan,
        },
        async () => {
          if (broken) {
            await ctx.checkpoint({
              key: `gke.${where}/${name}.delete-broken`,
              fn: async () => {
                const now = await gcp.getCluster({ projectId, location, name });
                if (now && isBroken(now)) {
                  const op = await gcp.deleteCluster({
                    projectId,
                    location,
                    name,
                  });
                  await gcp.waitForClusterOperation(op.name, wait);
                }
              },
            });
            cluster = undefined;
          }

          // Start the create (once), then follow whichever operation is making the cluster — ours,
          // or the one a run that was killed half-way started.
          const operation = await ctx.checkpoint({
            key: `gke.${where}/${name}.create`,
            fn: async (): Promise<string | null> => {
              const now = await gcp.getCluster({ projectId, location, name });
              if (now) {
                if (now.status === 'RUNNING') return null;
                const running = (
                  await gcp.listClusterOperations({ projectId, location })
                ).find(
                  op =>
                    op.status !== 'DONE' &&
                    op.target?.endsWith(`/clusters/${name}`),
                );
                return running?.name ?? null;
              }
              try {
                const op = await gcp.createCluster({
                  projectId,
                  location,
                  cluster: spec,
                });
                ctx.logger.info(
                  `Creating cluster ${name}: operation ${op.name}`,
                );
                return op.name;
              } catch (e) {
                if (e instanceof ConflictError) return null; // made meanwhile; followed below
                throw e;
              }
            },
          });
          if (operation) {
            await gcp.waitForClusterOperation(operation, wait);
          }
          cluster = await waitUntilRunning(
            gcp,
            { projectId, location, name },
            wait,
          );

          const apiServer = `https://${cluster.endpoint}`;
          const registered = await fleet.registerCluster(
            {
              name,
              url: apiServer,
              caData: cluster.caCertificatePem,
              auth: { type: 'credential', name: fleetCredential },
              labels: {
                environment: input.environment,
                region: location,
                'gcp-project': projectId,
              },
            },
            { actor: userEntityRef },
          );
          ctx.logger.info(
            registered.changed
              ? `Registered ${name} (${apiServer}) in the Groundcrew fleet; the deploy board watches it now`
              : `${name} was already registered in the Groundcrew fleet`,
          );
          return { endpoint: apiServer, fleetCluster: name };
        },
      );
      await publishInfraChanged(
        options.events,
        {
          kind: 'kubernetes-cluster',
          name,
          entityRef: infraEntityRef.cluster(name),
        },
        ctx.logger,
      );
      outputs(endpoint);
    },
  });
}

/** A cluster GKE could not make (or keep) whole: a re-run deletes and creates it again. */
function isBroken(cluster: GkeCluster): boolean {
  return cluster.status === 'ERROR' || cluster.status === 'DEGRADED';
}

/** Reads the cluster until it runs (after its operation is done, GKE may still be reconciling). */
async function waitUntilRunning(
  gcp: GcpService,
  ref: { projectId: string; location: string; name: string },
  options: {
    timeoutMs: number;
    signal?: AbortSignal;
    onProgress: (m: string) => void;
  },
): Promise<GkeCluster & { endpoint: string }> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
    const cluster = await gcp.getCluster(ref);
    if (!cluster) {
      throw new ServiceUnavailableError(
        `Cluster ${ref.name} disappeared from ${ref.projectId}/${ref.location} while it was being created; run the task again`,
      );
    }
    if (cluster.status === 'RUNNING' && cluster.endpoint) {
      return cluster as GkeCluster & { endpoint: string };
    }
    if (isBroken(cluster)) {
      throw new ServiceUnavailableError(
        `Cluster ${ref.name} is ${cluster.status}: ${
          cluster.statusMessage ?? 'GKE gave no reason'
        }; run the task again to delete and recreate it`,
      );
    }
    if (cluster.status !== last) {
      last = cluster.status;
      options.onProgress(`cluster ${cluster.status}`);
    }
    if (Date.now() > deadline) {
      throw new ServiceUnavailableError(
        `Cluster ${ref.name} was still ${cluster.status} after ${Math.round(
          options.timeoutMs / 60_000,
        )} min; run the task again to keep waiting`,
      );
    }
    await new Promise(r => setTimeout(r, delay));
    if (options.signal?.aborted) throw options.signal.reason;
  }
}
