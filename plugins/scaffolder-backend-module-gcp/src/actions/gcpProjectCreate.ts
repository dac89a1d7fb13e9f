import {
  AuditorService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  gcpConsoleUrls,
  gcpProjectCreatePermission,
  gcpProjectIdProblem,
  infraEntityRef,
} from '@groundcrew/plugin-infra-common';
import type {
  GcpIamPolicy,
  GcpService,
  InfraEventsPublisher,
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
import { examples } from './gcpProjectCreate.examples';

/** The label that marks a project as made by Groundcrew, so a re-run may adopt it. */
export const MANAGED_BY_LABEL = { key: 'managed-by', value: 'groundcrew' };

const groupEmail = (zImpl: typeof z) =>
  zImpl
    .string()
    .email()
    .describe('A Google group email, e.g. team-ai@groundcrew.example');

export const inputSchema = (zImpl: typeof z) =>
  zImpl.object({
    projectId: zImpl
      .string()
      .superRefine((id, ctx) => {
        const problem = gcpProjectIdProblem(id);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe(
        'The project id: 6–30 lower-case letters, digits and hyphens, starting with a letter (e.g. ai-gateway-prod)',
      ),
    displayName: zImpl
      .string()
      .min(4)
      .max(30)
      .regex(/^[A-Za-z0-9 '"!-]+$/, 'letters, digits, spaces and - \' " ! only')
      .optional()
      .describe(
        'The name shown in the console, 4–30 characters; default: the project id',
      ),
    parent: zImpl
      .string()
      .regex(
        /^(folders|organizations)\/\d+$/,
        'must be folders/<number> or organizations/<number>',
      )
      .describe(
        'Where the project goes: folders/<number> or organizations/<number>',
      ),
    billingAccount: zImpl
      .string()
      .regex(
        /^billingAccounts\/[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/,
        'must be billingAccounts/XXXXXX-XXXXXX-XXXXXX',
      )
      .describe(
        'The billing account to link: billingAccounts/XXXXXX-XXXXXX-XXXXXX',
      ),
    labels: gcpLabels(zImpl)
      .optional()
      .describe('Labels for the project (team, environment, cost-center, …)'),
    apis: zImpl
      .array(
        zImpl
          .string()
          .regex(
            /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.googleapis\.com$/,
            'must be a service name such as container.googleapis.com',
          ),
      )
      .max(100)
      .optional()
      .describe('APIs to enable, e.g. container.googleapis.com'),
    owners: zImpl
      .array(groupEmail(zImpl))
      .optional()
      .describe('Google groups that get roles/owner on the project'),
    editors: zImpl
      .array(groupEmail(zImpl))
      .optional()
      .describe('Google groups that get roles/editor on the project'),
    allowExisting: zImpl
      .boolean()
      .optional()
      .describe(
        'Adopt a visible project with this id in the same parent even if Groundcrew did not create it (default false)',
      ),
  });

const outputSchema = (zImpl: typeof z) =>
  zImpl.object({
    projectId: zImpl.string().describe('The project id'),
    projectNumber: zImpl
      .string()
      .describe('The project number (empty in a dry run of a new project)'),
    consoleUrl: zImpl
      .string()
      .describe('The project in the Google Cloud console'),
    entityRef: zImpl
      .string()
      .describe(
        'The catalog entity the project will have (Resource of type gcp-project)',
      ),
    plan: zImpl
      .array(zImpl.string())
      .describe('The changes made (or, in a dry run, that would be made)'),
  });

export type GcpProjectCreateInput = z.infer<ReturnType<typeof inputSchema>>;

/** One change the action makes, decided before any write. */
interface Plan {
  createProject: boolean;
  labels?: Record<string, string>;
  billing?: string;
  apis: string[];
  iam: Array<{ role: string; member: string }>;
}

function describePlan(projectId: string, plan: Plan): string[] {
  const lines: string[] = [];
  if (plan.createProject) lines.push(`create project ${projectId}`);
  if (plan.labels) {
    lines.push(
      `set labels ${Object.entries(plan.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
  if (plan.billing) lines.push(`link billing account ${plan.billing}`);
  if (plan.apis.length) lines.push(`enable ${plan.apis.join(', ')}`);
  for (const b of plan.iam) lines.push(`grant ${b.role} to ${b.member}`);
  return lines;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return (
    ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k])
  );
}

function wantedBindings(input: GcpProjectCreateInput) {
  return [
    ...(input.owners ?? []).map(e => ({
      role: 'roles/owner',
      member: `group:${e}`,
    })),
    ...(input.editors ?? []).map(e => ({
      role: 'roles/editor',
      member: `group:${e}`,
    })),
  ];
}

function missingBindings(policy: GcpIamPolicy, wanted: Plan['iam']) {
  return wanted.filter(
    w =>
      !policy.bindings.some(
        b => b.role === w.role && b.members.includes(w.member),
      ),
  );
}

function withBindings(policy: GcpIamPolicy, add: Plan['iam']): GcpIamPolicy {
  const bindings = policy.bindings.map(b => ({
    ...b,
    members: [...b.members],
  }));
  for (const { role, member } of add) {
    const binding = bindings.find(b => b.role === role && !('condition' in b));
    if (binding) {
      if (!binding.members.includes(member)) binding.members.push(member);
    } else {
      bindings.push({ role, members: [member] });
    }
  }
  return { ...policy, bindings };
}

/**
 * `gcp:project:create`: a GCP project with its billing, APIs and IAM groups. Checks everything it
 * can before writing, writes only what differs (a second identical run makes no mutating call),
 * and converges when re-run after a failure at any step.
 */
export function createGcpProjectCreateAction(options: {
  gcp: GcpService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  auditor: AuditorService;
  config: GcpActionsConfig;
  /** Tells the catalog to read the new project at once (topic groundcrew.infra.changed). */
  events?: InfraEventsPublisher;
}) {
  const { gcp, permissions, userInfo, auditor, config } = options;
  return createTemplateAction({
    id: 'gcp:project:create',
    description:
      'Creates a GCP project (or adopts one Groundcrew made), links billing, enables APIs and grants groups owner/editor. Idempotent; supports dry run.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = checkInput(inputSchema(z), ctx.input);
      const { projectId, parent } = input;
      const wait = {
        onProgress: (m: string) => ctx.logger.info(m),
        timeoutMs: config.projectOperationTimeoutMs,
        signal: ctx.signal,
      };

      const { userEntityRef } = await authorizeCreate({
        credentials: await ctx.getInitiatorCredentials(),
        permissions,
        userInfo,
        config,
        permission: gcpProjectCreatePermission,
        parent,
        what: 'GCP projects',
      });

      // Pre-flight: reads only. Everything a person can fix is refused here, before any write.
      ctx.logger.info(
        `Checking ${parent}, ${input.billingAccount} and project id ${projectId}`,
      );
      if (!(await gcp.getParent(parent))) {
        throw new InputError(
          `parent: ${parent} does not exist or Groundcrew may not see it`,
        );
      }
      const account = (await gcp.listBillingAccounts()).find(
        a => a.name === input.billingAccount,
      );
      if (!account) {
        throw new InputError(
          `billingAccount: ${input.billingAccount} is not a billing account Groundcrew may use`,
        );
      }
      if (!account.open) {
        throw new InputError(
          `billingAccount: ${input.billingAccount} is closed`,
        );
      }

      const labels = {
        ...(input.labels ?? {}),
        [MANAGED_BY_LABEL.key]: MANAGED_BY_LABEL.value,
      };
      const wanted = wantedBindings(input);
      const existing = await gcp.getProject(projectId);
      const plan: Plan = { createProject: !existing, apis: [], iam: [] };
      if (existing) {
        if (existing.state !== 'ACTIVE') {
          throw new InputError(
            `projectId: ${projectId} exists and is ${existing.state}; choose another id or restore it first`,
          );
        }
        if (existing.parent !== parent) {
          throw new InputError(
            `projectId: ${projectId} is already taken by a project in ${existing.parent}`,
          );
        }
        const ours =
          existing.labels[MANAGED_BY_LABEL.key] === MANAGED_BY_LABEL.value;
        if (!ours && !input.allowExisting) {
          throw new InputError(
            `projectId: ${projectId} is already taken (project "${existing.displayName}" was not created by Groundcrew; set allowExisting to adopt it)`,
          );
        }
        const merged = { ...existing.labels, ...labels };
        if (!sameLabels(merged, existing.labels)) plan.labels = merged;
        const billing = await gcp.getProjectBilling(projectId);
        if (billing.billingAccountName !== input.billingAccount) {
          plan.billing = input.billingAccount;
        }
        const enabled = new Set(await gcp.listEnabledServices(projectId));
        plan.apis = (input.apis ?? []).filter(a => !enabled.has(a));
        plan.iam = missingBindings(await gcp.getIamPolicy(projectId), wanted);
      } else {
        plan.labels = labels;
        plan.billing = input.billingAccount;
        plan.apis = [...new Set(input.apis ?? [])];
        plan.iam = wanted;
      }

      const lines = describePlan(projectId, plan);
      ctx.logger.info(
        lines.length
          ? `Plan for ${projectId}:\n  - ${lines.join('\n  - ')}`
          : `Project ${projectId} is already as asked; nothing to change`,
      );
      const outputs = (projectNumber: string) => {
        ctx.output('projectId', projectId);
        ctx.output('projectNumber', projectNumber);
        ctx.output('consoleUrl', gcpConsoleUrls.project(projectId));
        ctx.output('entityRef', infraEntityRef.project(projectId));
        ctx.output('plan', lines);
      };
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: nothing was changed');
        outputs(existing?.projectNumber ?? '');
        return;
      }

      if (!lines.length && existing) {
        outputs(existing.projectNumber);
        return;
      }
      const { projectNumber } = await audited(
        auditor,
        {
          eventId: 'gcp-project-create',
          actor: userEntityRef,
          target: `projects/${projectId}`,
          before: existing
            ? { projectNumber: existing.projectNumber, labels: existing.labels }
            : { exists: false },
          plan: lines,
        },
        async () => {
          // Each write is a checkpoint and reads first, so a retried task (or a new run after a
          // failure) skips what is done and finishes the rest.
          const createdNumber = await ctx.checkpoint({
            key: `gcp.project.${projectId}.create`,
            fn: async () => {
              const now = await gcp.getProject(projectId);
              if (now) return now.projectNumber;
              try {
                const created = await gcp.createProject(
                  {
                    projectId,
                    displayName: input.displayName ?? projectId,
                    parent,
                    labels,
                  },
                  wait,
                );
                ctx.logger.info(
                  `Created project ${projectId} (${created.projectNumber})`,
                );
                return created.projectNumber;
              } catch (e) {
                if (e instanceof ConflictError) {
                  throw new ConflictError(
                    `projectId: ${projectId} is already taken (by a project Groundcrew cannot see, in another organization); choose another id`,
                  );
                }
                throw e;
              }
            },
          });

          await ctx.checkpoint({
            key: `gcp.project.${projectId}.labels`,
            fn: async () => {
              const now = await gcp.getProject(projectId);
              const merged = { ...(now?.labels ?? {}), ...labels };
              if (now && !sameLabels(merged, now.labels)) {
                await gcp.updateProjectLabels(projectId, merged, wait);
                ctx.logger.info(`Labels set on ${projectId}`);
              }
            },
          });

          await ctx.checkpoint({
            key: `gcp.project.${projectId}.billing`,
            fn: async () => {
              const billing = await gcp.getProjectBilling(projectId);
              if (billing.billingAccountName !== input.billingAccount) {
                await gcp.setProjectBilling(projectId, input.billingAccount);
                ctx.logger.info(
                  `Linked ${projectId} to ${input.billingAccount}`,
                );
              }
            },
          });

          await ctx.checkpoint({
            key: `gcp.project.${projectId}.apis`,
            fn: async () => {
              if (!input.apis?.length) return;
              const enabled = new Set(await gcp.listEnabledServices(projectId));
              const missing = [...new Set(input.apis)].filter(
                a => !enabled.has(a),
              );
              const already = input.apis.filter(a => enabled.has(a));
              if (already.length) {
                // A new project comes with some APIs on (logging, monitoring, …).
                ctx.logger.info(`Already enabled: ${already.join(', ')}`);
              }
              if (missing.length) {
                await gcp.enableServices(projectId, missing, wait);
                ctx.logger.info(`Enabled ${missing.join(', ')}`);
              }
            },
          });

          await ctx.checkpoint({
            key: `gcp.project.${projectId}.iam`,
            fn: async () => {
              if (!wanted.length) return;
              // The etag makes a concurrent change fail instead of being overwritten: read again, retry.
              for (let attempt = 1; ; attempt++) {
                const policy = await gcp.getIamPolicy(projectId);
                const add = missingBindings(policy, wanted);
                if (!add.length) return;
                try {
                  await gcp.setIamPolicy(projectId, withBindings(policy, add));
                  ctx.logger.info(
                    `Granted ${add
                      .map(b => `${b.role} to ${b.member}`)
                      .join(', ')}`,
                  );
                  return;
                } catch (e) {
                  if (!(e instanceof ConflictError) || attempt >= 3) throw e;
                  ctx.logger.info(
                    'The IAM policy changed meanwhile; reading it again',
                  );
                }
              }
            },
          });
          return { projectNumber: createdNumber, parent };
        },
      );
      await publishInfraChanged(
        options.events,
        {
          kind: 'gcp-project',
          name: projectId,
          entityRef: infraEntityRef.project(projectId),
        },
        ctx.logger,
      );

      outputs(projectNumber);
    },
  });
}
