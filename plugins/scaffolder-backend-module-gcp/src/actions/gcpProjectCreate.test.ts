import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createGcpProjectCreateAction } from './gcpProjectCreate';
import {
  actionContext,
  runAction,
  DEMO,
  startGcpTestEnv,
} from '../__testUtils__/gcpTestEnv';

type Env = Awaited<ReturnType<typeof startGcpTestEnv>>;

/** The demo user: a member of team-ai, which owns the team-ai folder. */
const teamAi = ['user:default/demo', 'group:default/team-ai'];

function input(projectId: string, extra: Record<string, unknown> = {}) {
  return {
    projectId,
    displayName: 'AI Gateway test',
    parent: DEMO.teamAiFolder,
    billingAccount: DEMO.billingAccount,
    labels: { team: 'team-ai', environment: 'test' },
    apis: ['container.googleapis.com', 'secretmanager.googleapis.com'],
    owners: ['team-ai@groundcrew.example'],
    editors: ['platform@groundcrew.example'],
    ...extra,
  };
}

describe('gcp:project:create against the GCP imitation', () => {
  let env: Env;
  let action: ReturnType<typeof createGcpProjectCreateAction>;

  beforeAll(async () => {
    env = await startGcpTestEnv();
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    await env.control.clearFaults();
    action = createGcpProjectCreateAction(env.deps({ ownership: teamAi }));
  });

  const run = (i: Record<string, unknown>, opts?: { dryRun?: boolean }) =>
    runAction(action, i, opts);
  const mutations = () => env.mutations();

  it('tells the catalog (groundcrew.infra.changed) after a write, not after a dry run or a no-op', async () => {
    const published: Array<{ topic: string; eventPayload: unknown }> = [];
    const withEvents = createGcpProjectCreateAction({
      ...env.deps({ ownership: teamAi }),
      events: { publish: async p => void published.push(p) },
    });
    await runAction(withEvents, input('ai-gw-events-1'), { dryRun: true });
    expect(published).toEqual([]);
    await runAction(withEvents, input('ai-gw-events-1'));
    expect(published).toEqual([
      {
        topic: 'groundcrew.infra.changed',
        eventPayload: {
          kind: 'gcp-project',
          name: 'ai-gw-events-1',
          entityRef: 'resource:default/ai-gw-events-1',
        },
      },
    ]);
    await runAction(withEvents, input('ai-gw-events-1'));
    expect(published).toHaveLength(1);
  });

  it('creates the project with billing, APIs and groups, then a second run changes nothing', async () => {
    const { outputs, logger } = await run(input('ai-gw-create-1'));
    expect(outputs.projectId).toBe('ai-gw-create-1');
    expect(outputs.projectNumber).toMatch(/^\d+$/);
    expect(outputs.consoleUrl).toBe(
      'https://console.cloud.google.com/home/dashboard?project=ai-gw-create-1',
    );
    expect(outputs.entityRef).toBe('resource:default/ai-gw-create-1');
    expect(logger.lines.join('\n')).toContain('Created project ai-gw-create-1');

    // What GCP now holds, read back through the real clients.
    const project = await env.gcp.getProject('ai-gw-create-1');
    expect(project).toMatchObject({
      parent: DEMO.teamAiFolder,
      displayName: 'AI Gateway test',
      labels: {
        team: 'team-ai',
        environment: 'test',
        'managed-by': 'groundcrew',
      },
    });
    expect(await env.gcp.getProjectBilling('ai-gw-create-1')).toEqual({
      billingAccountName: DEMO.billingAccount,
      billingEnabled: true,
    });
    expect(await env.gcp.listEnabledServices('ai-gw-create-1')).toEqual(
      expect.arrayContaining([
        'container.googleapis.com',
        'secretmanager.googleapis.com',
      ]),
    );
    const policy = await env.gcp.getIamPolicy('ai-gw-create-1');
    expect(policy.bindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'roles/owner',
          members: expect.arrayContaining(['group:team-ai@groundcrew.example']),
        }),
        expect.objectContaining({
          role: 'roles/editor',
          members: expect.arrayContaining([
            'group:platform@groundcrew.example',
          ]),
        }),
      ]),
    );

    const before = await mutations();
    const second = await run(input('ai-gw-create-1'));
    expect(await mutations()).toBe(before);
    expect(second.outputs.projectNumber).toBe(outputs.projectNumber);
    expect(second.outputs.plan).toEqual([]);
    expect(second.logger.lines.join('\n')).toContain('nothing to change');
    // One audit event, for the run that wrote: who, what, before, the plan and the result.
    expect(
      env.auditor.events.filter(
        e => e.meta?.target === 'projects/ai-gw-create-1',
      ),
    ).toEqual([
      {
        eventId: 'gcp-project-create',
        meta: {
          actor: 'user:default/mock', // the task's initiator (mock credentials)
          target: 'projects/ai-gw-create-1',
          before: { exists: false },
          plan: expect.arrayContaining(['create project ai-gw-create-1']),
        },
        outcome: {
          status: 'succeeded',
          meta: {
            after: {
              projectNumber: outputs.projectNumber,
              parent: DEMO.teamAiFolder,
            },
          },
        },
      },
    ]);
  });

  it('dry run: reports the plan and makes no mutating call', async () => {
    const before = await mutations();
    const { outputs, logger } = await run(input('ai-gw-dry-1'), {
      dryRun: true,
    });
    expect(await mutations()).toBe(before);
    expect(outputs.plan).toEqual([
      'create project ai-gw-dry-1',
      'set labels team=team-ai, environment=test, managed-by=groundcrew',
      `link billing account ${DEMO.billingAccount}`,
      'enable container.googleapis.com, secretmanager.googleapis.com',
      'grant roles/owner to group:team-ai@groundcrew.example',
      'grant roles/editor to group:platform@groundcrew.example',
    ]);
    expect(logger.lines.join('\n')).toContain('Dry run: nothing was changed');
    expect(await env.gcp.getProject('ai-gw-dry-1')).toBeUndefined();
  });

  it('converges on a re-run after failing half-way (API enabling fails), without a second create', async () => {
    await env.control.injectFault({
      method: 'POST',
      path: ':batchEnable',
      status: 500,
      message: 'backend error',
    });
    await expect(run(input('ai-gw-retry-1'))).rejects.toThrow(
      /Enabling .* on GCP project ai-gw-retry-1/,
    );
    // Half-made: the project and its billing exist, the APIs and groups do not.
    expect(await env.gcp.getProject('ai-gw-retry-1')).toBeDefined();
    expect(await env.gcp.listEnabledServices('ai-gw-retry-1')).not.toContain(
      'secretmanager.googleapis.com',
    );
    await env.control.resetCounters();
    const { logger } = await run(input('ai-gw-retry-1'));
    const counters = await env.control.counters();
    expect(counters.routes['POST /v3/projects'] ?? 0).toBe(0);
    expect(logger.lines.join('\n')).toContain(
      'Enabled container.googleapis.com, secretmanager.googleapis.com',
    );
    expect(await env.gcp.listEnabledServices('ai-gw-retry-1')).toEqual(
      expect.arrayContaining(['secretmanager.googleapis.com']),
    );
    expect(
      (await env.gcp.getIamPolicy('ai-gw-retry-1')).bindings.length,
    ).toBeGreaterThan(0);
  });

  it("a failed create operation fails the task with GCP's reason; a re-run creates the project", async () => {
    await env.control.failNextOperations({
      kind: 'createProject',
      count: 1,
      message: 'project quota exceeded',
    });
    await expect(run(input('ai-gw-failop-1'))).rejects.toThrow(
      /project quota exceeded/,
    );
    const { outputs } = await run(input('ai-gw-failop-1'));
    expect(outputs.projectNumber).toMatch(/^\d+$/);
  });

  it('retries 429 with back-off, and gives up with a clear error when it lasts', async () => {
    await env.control.injectFault({
      method: 'POST',
      path: '^/v3/projects',
      status: 429,
      count: 2,
    });
    await expect(run(input('ai-gw-429-ok'))).resolves.toBeDefined();

    await env.control.injectFault({
      method: 'POST',
      path: '^/v3/projects',
      status: 429,
      count: 10,
    });
    await expect(run(input('ai-gw-429-fail'))).rejects.toThrow(
      /Creating GCP project ai-gw-429-fail: .*\(gave up after 3 attempts\)/,
    );
    expect(await env.gcp.getProject('ai-gw-429-fail')).toBeUndefined();
  });

  it('an operation that never finishes times out with a message that says a re-run picks it up', async () => {
    const impatient = createGcpProjectCreateAction(
      env.deps({
        ownership: teamAi,
        config: { projectOperationTimeoutMs: 300 },
      }),
    );
    await env.control.hangNextOperations({ kind: 'createProject', count: 1 });
    const c = actionContext(input('ai-gw-hang-1'));
    await expect(impatient.handler(c.ctx as never)).rejects.toThrow(
      /did not finish in time; it may still finish in GCP, and a re-run picks it up/,
    );
  });

  it('refuses an id taken in another organization with a clear conflict, and writes nothing else', async () => {
    const before = await env.control.counters();
    await expect(run(input('taken-elsewhere'))).rejects.toThrow(
      /projectId: taken-elsewhere is already taken/,
    );
    const after = await env.control.counters();
    // The create was the only mutating call: no billing, API or IAM write followed it.
    expect(after.mutations - before.mutations).toBe(1);
  });

  it('refuses a visible project that Groundcrew did not make, and adopts it with allowExisting', async () => {
    const platform = createGcpProjectCreateAction(env.deps());
    const runAsPlatform = (i: Record<string, unknown>) =>
      runAction(platform, i);
    const before = await mutations();
    await expect(
      runAsPlatform(input(DEMO.project, { parent: DEMO.platformFolder })),
    ).rejects.toThrow(
      /^projectId: groundcrew-demo is already taken \(project ".*" was not created by Groundcrew; set allowExisting to adopt it\)/,
    );
    await expect(runAsPlatform(input(DEMO.project))).rejects.toThrow(
      /^projectId: groundcrew-demo is already taken by a project in folders\/1001/,
    );
    expect(await mutations()).toBe(before);

    const adopted = await runAsPlatform(
      input(DEMO.project, { parent: DEMO.platformFolder, allowExisting: true }),
    );
    expect(adopted.outputs.plan).not.toContain(
      'create project groundcrew-demo',
    );
    expect((await env.gcp.getProject(DEMO.project))?.labels).toMatchObject({
      'managed-by': 'groundcrew',
      team: 'team-ai',
    });
    // Now it is Groundcrew's: a plain run (no allowExisting) converges with no write.
    const again = await mutations();
    await runAsPlatform(input(DEMO.project, { parent: DEMO.platformFolder }));
    expect(await mutations()).toBe(again);
  });

  it('only owners of the parent or the platform group may create there', async () => {
    const outsider = createGcpProjectCreateAction(
      env.deps({
        ownership: ['user:default/casey', 'group:default/team-commerce'],
      }),
    );
    const before = await mutations();
    const c = actionContext(input('ai-gw-denied-1'));
    await expect(outsider.handler(c.ctx as never)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /^parent: only members of group:default\/platform or group:default\/team-ai may create/,
      ),
    });
    const denied = createGcpProjectCreateAction(
      env.deps({ ownership: teamAi, permission: AuthorizeResult.DENY }),
    );
    await expect(
      denied.handler(actionContext(input('ai-gw-denied-2')).ctx as never),
    ).rejects.toThrow(/permission groundcrew.gcp.project.create denied/);
    expect(await mutations()).toBe(before);
  });

  it('refuses a billing account it may not use and a parent it cannot see, before any write', async () => {
    const before = await mutations();
    await expect(
      run(
        input('ai-gw-bill-1', {
          billingAccount: 'billingAccounts/000000-000000-000000',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^billingAccount: /),
    });
    const platform = createGcpProjectCreateAction(env.deps());
    await expect(
      platform.handler(
        actionContext(input('ai-gw-bill-2', { parent: 'folders/999999' }))
          .ctx as never,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^parent: folders\/999999 /),
    });
    expect(await mutations()).toBe(before);
  });
});
