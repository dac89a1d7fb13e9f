import fs from 'node:fs';
import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { parseRunwayManifest } from '@groundcrew/plugin-infra-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createRunwayServiceCreateAction } from './serviceCreate';
import { CLUSTER, startRunwayTestEnv } from '../__testUtils__/runwayTestEnv';

type Env = Awaited<ReturnType<typeof startRunwayTestEnv>>;

function manifest(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'runway/v1',
    kind: 'RunwayKubernetesService',
    metadata: {
      name,
      owner_email_handle: 'team-ai',
      department: 'eng-dev',
      department_group: 'eng-dev-ai',
      product_category: 'ai_gateway',
    },
    spec: {
      container_port: 8080,
      regions: ['us-east1'],
      scalability: { min_instances: 2, max_instances: 4 },
      deployment: {
        strategy: 'gradual',
        rollout_traffic_percentages: [10, 50, 100],
      },
      environment_variables: {
        LOG_LEVEL: { value: 'info' },
        API_KEY: { vault: { path: 'runway/env/prod/svc', key: 'api_key' } },
      },
      ...spec,
    },
  };
}

function input(name: string, extra: Record<string, unknown> = {}) {
  return {
    manifest: manifest(name),
    image: `registry.example.com/team-ai/${name}:1.0.0`,
    owner: 'group:default/team-ai',
    cluster: CLUSTER,
    ...extra,
  };
}

// Each test turns services up and waits for them (seconds on a busy CI machine).
jest.setTimeout(60_000);

describe('runway:service:create on GKE', () => {
  let env: Env;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;
  beforeAll(async () => {
    env = await startRunwayTestEnv();
    core = env.kubeConfig.makeApiClient(CoreV1Api);
    apps = env.kubeConfig.makeApiClient(AppsV1Api);
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => env?.stop());

  const action = (deps = env.deps()) => createRunwayServiceCreateAction(deps);
  const helmRelease = (ns: string, name: string) =>
    custom.getNamespacedCustomObject({
      group: 'helm.toolkit.fluxcd.io',
      version: 'v2',
      namespace: ns,
      plural: 'helmreleases',
      name,
    });

  it('turns a service up: namespace, token Secret, HelmRelease, running pods; a second run writes nothing', async () => {
    const before = await env.kubeMutations();
    const { outputs, logger, workspacePath } = await env.run(
      action(),
      input('prompt-router'),
    );
    expect(outputs).toMatchObject({
      name: 'prompt-router',
      runtime: 'gke',
      release: '1-0-0',
      stage: 'main',
      cluster: CLUSTER,
      namespace: 'prompt-router',
      urls: [`https://prompt-router.${CLUSTER}.example.com`],
      canaryPercent: 0,
    });
    expect(await env.kubeMutations()).toBeGreaterThan(before);

    const ns = await core.readNamespace({ name: 'prompt-router' });
    expect(ns.metadata?.labels).toMatchObject({
      'groundcrew.io/owner': 'team-ai',
      'runway.gitlab.com/stage': 'main',
      'app.kubernetes.io/managed-by': 'groundcrew',
    });
    const secret = await core.readNamespacedSecret({
      namespace: 'prompt-router',
      name: 'prompt-router-runway-registration',
    });
    const token = Buffer.from(secret.data!.token, 'base64').toString();
    expect(token.length).toBeGreaterThanOrEqual(40);
    // The token never leaves the cluster: not in the log, the outputs or the audit trail.
    const everything = JSON.stringify([
      logger.lines,
      outputs,
      env.auditor.events,
    ]);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(secret.data!.token);

    const hr = (await helmRelease('prompt-router', 'prompt-router')) as {
      metadata: { managedFields: Array<{ manager: string }> };
      spec: { values: Record<string, unknown> };
    };
    expect(hr.metadata.managedFields.map(f => f.manager)).toContain(
      'groundcrew',
    );
    expect(hr.spec.values).toMatchObject({
      service: 'prompt-router',
      release: '1-0-0',
      stage: 'main',
      image: {
        repository: 'registry.example.com/team-ai/prompt-router',
        tag: '1.0.0',
      },
      replicas: { min: 2, max: 4 },
      env: [
        {
          name: 'API_KEY',
          vault: { path: 'runway/env/prod/svc', key: 'api_key' },
        },
        { name: 'LOG_LEVEL', value: 'info' },
      ],
    });
    const deployment = await apps.readNamespacedDeployment({
      namespace: 'prompt-router',
      name: 'prompt-router',
    });
    expect(deployment.status?.readyReplicas).toBe(2);
    expect(logger.lines.join('\n')).toContain('pods ready: prompt-router 2/2');

    // The manifest the action wrote is valid and the one asked for.
    const written = fs.readFileSync(
      path.join(workspacePath, '.runway/runway.yml'),
      'utf8',
    );
    const parsed = parseRunwayManifest(written);
    expect(parsed.ok && parsed.manifest.metadata.name).toBe('prompt-router');

    expect(env.auditor.events.at(-1)).toMatchObject({
      eventId: 'runway-service-create',
      meta: {
        actor: 'user:default/mock',
        target: `kubernetes://${CLUSTER}/prompt-router/helmreleases/prompt-router`,
      },
      outcome: { status: 'succeeded' },
    });

    const events = env.auditor.events.length;
    const mutations = await env.kubeMutations();
    const again = await env.run(action(), input('prompt-router'));
    expect(await env.kubeMutations()).toBe(mutations);
    expect(env.auditor.events.length).toBe(events);
    expect(again.logger.lines.join('\n')).toContain('nothing to apply');
    // The token was kept.
    const kept = await core.readNamespacedSecret({
      namespace: 'prompt-router',
      name: 'prompt-router-runway-registration',
    });
    expect(kept.data!.token).toBe(secret.data!.token);
  });

  it('dry run shows the objects (not the token) and applies nothing', async () => {
    const mutations = await env.kubeMutations();
    const { outputs, logger } = await env.run(action(), input('dry-svc'), {
      dryRun: true,
    });
    expect(await env.kubeMutations()).toBe(mutations);
    const log = logger.lines.join('\n');
    expect(log).toContain('kind: HelmRelease');
    expect(log).toContain('<generated when applied>');
    expect(outputs.plan).toEqual([
      'create namespace dry-svc',
      'apply ServiceAccount dry-svc/dry-svc',
      'create Secret dry-svc/dry-svc-runway-registration (a generated registration token)',
      expect.stringMatching(
        /^create HelmRelease dry-svc\/dry-svc: chart runway-service@1\.4\.0/,
      ),
    ]);
    await expect(core.readNamespace({ name: 'dry-svc' })).rejects.toThrow();
  });

  it('rolls a new release out as a canary at the first step, and a re-run keeps it', async () => {
    await env.run(action(), input('canary-svc'));
    const next = input('canary-svc', {
      image: 'registry.example.com/team-ai/canary-svc:1.1.0',
    });
    const { outputs } = await env.run(action(), next);
    expect(outputs.canaryPercent).toBe(10);
    const hr = (await helmRelease('canary-svc', 'canary-svc')) as {
      spec: { values: Record<string, unknown> };
    };
    expect(hr.spec.values).toMatchObject({
      release: '1-1-0',
      image: { tag: '1.0.0' },
      canary: { enabled: true, weight: 10, image: { tag: '1.1.0' } },
    });
    const route = (await custom.getNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: 'canary-svc',
      plural: 'httproutes',
      name: 'canary-svc',
    })) as {
      spec: {
        rules: Array<{ backendRefs: Array<{ name: string; weight: number }> }>;
      };
    };
    expect(
      route.spec.rules[0].backendRefs.map(b => [b.name, b.weight]),
    ).toEqual([
      ['canary-svc-stable', 90],
      ['canary-svc-canary', 10],
    ]);
    const mutations = await env.kubeMutations();
    await env.run(action(), next);
    expect(await env.kubeMutations()).toBe(mutations);
  });

  it('refuses a namespace another team owns, and one Groundcrew does not manage', async () => {
    await core.createNamespace({
      body: {
        metadata: {
          name: 'taken-svc',
          labels: { 'groundcrew.io/owner': 'team-commerce' },
        },
      },
    });
    await core.createNamespace({ body: { metadata: { name: 'hand-made' } } });
    const mutations = await env.kubeMutations();
    await expect(env.run(action(), input('taken-svc'))).rejects.toThrow(
      `namespace: namespace taken-svc on cluster ${CLUSTER} belongs to team-commerce, not team-ai`,
    );
    await expect(
      env.run(action(), input('other-svc', { namespace: 'hand-made' })),
    ).rejects.toThrow(/Groundcrew does not manage it/);
    expect(await env.kubeMutations()).toBe(mutations);
  });

  it('refuses an invalid manifest with its path and line, writing and applying nothing', async () => {
    const mutations = await env.kubeMutations();
    const bad = input('bad-svc', {
      manifest: manifest('bad-svc', {
        scalability: { min_instances: 3, max_instances: 1 },
      }),
    });
    const error = await env.run(action(), bad).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /^manifest: \.runway\/runway\.yml is not a valid Runway manifest: spec\.scalability\.max_instances \(line \d+\) must be ≥ min_instances/,
    );
    expect(await env.kubeMutations()).toBe(mutations);
  });

  it('checks the permission and the owner group on the backend before any call', async () => {
    const mutations = await env.kubeMutations();
    await expect(
      env.run(
        action(env.deps({ permission: AuthorizeResult.DENY })),
        input('denied-svc'),
      ),
    ).rejects.toThrow(/groundcrew\.runway\.service\.create denied/);
    await expect(
      env.run(
        action(
          env.deps({
            ownership: ['user:default/x', 'group:default/team-commerce'],
          }),
        ),
        input('denied-svc'),
      ),
    ).rejects.toThrow(
      'owner: only members of group:default/team-ai or group:default/platform may turn up a service owned by group:default/team-ai',
    );
    expect(await env.kubeMutations()).toBe(mutations);
  });

  it('fails clearly on a field-manager conflict and on an unreachable cluster; a re-run converges', async () => {
    // Someone else applied the release first and owns its port.
    const objects = KubernetesObjectApi.makeApiClient(env.kubeConfig);
    await core.createNamespace({
      body: {
        metadata: {
          name: 'conflict-svc',
          labels: {
            'groundcrew.io/owner': 'team-ai',
            'runway.gitlab.com/stage': 'main',
            'app.kubernetes.io/managed-by': 'groundcrew',
          },
        },
      },
    });
    await objects.patch(
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: {
          name: 'conflict-svc',
          namespace: 'conflict-svc',
          labels: { 'groundcrew.io/owner': 'team-ai' },
        },
        spec: { values: { containerPort: 9090 } },
      },
      undefined,
      undefined,
      'hand-edit',
      false,
      PatchStrategy.ServerSideApply,
    );
    await expect(env.run(action(), input('conflict-svc'))).rejects.toThrow(
      /^cluster gke-prod-us-east1: could not apply HelmRelease conflict-svc\/conflict-svc: .*conflict.*another field manager owns these fields/s,
    );

    await env.cluster.down({ mode: 'refuse' });
    try {
      await expect(env.run(action(), input('down-svc'))).rejects.toThrow(
        /cluster gke-prod-us-east1: could not read Namespace down-svc: cluster unreachable/,
      );
    } finally {
      await env.cluster.up();
    }
    const { outputs } = await env.run(action(), input('down-svc'));
    expect(outputs.namespace).toBe('down-svc');
  });

  it("fails with Flux's message when the HelmRelease fails, and a re-run asks Flux to retry once fixed", async () => {
    // A Service of the same name that Helm does not own: the install cannot adopt it.
    await core.createNamespace({
      body: {
        metadata: {
          name: 'blocked-svc',
          labels: {
            'groundcrew.io/owner': 'team-ai',
            'app.kubernetes.io/managed-by': 'groundcrew',
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace: 'blocked-svc',
      body: {
        metadata: { name: 'blocked-svc' },
        spec: { ports: [{ port: 80 }] },
      },
    });
    const error = await env.run(action(), input('blocked-svc')).catch(e => e);
    expect(error.message).toMatch(
      /^HelmRelease blocked-svc\/blocked-svc on cluster gke-prod-us-east1 failed \(InstallFailed\): Helm install failed .*invalid ownership metadata.*Fix the cause and run the task again; it asks Flux to retry$/s,
    );

    // Unchanged, it would fail again: the re-run asks Flux to reconcile (as `flux reconcile`).
    await core.deleteNamespacedService({
      namespace: 'blocked-svc',
      name: 'blocked-svc',
    });
    const { outputs } = await env.run(action(), input('blocked-svc'));
    expect(outputs.plan).toEqual([
      'ask Flux to retry HelmRelease blocked-svc/blocked-svc, which failed (InstallFailed)',
    ]);
    const deployment = await apps.readNamespacedDeployment({
      namespace: 'blocked-svc',
      name: 'blocked-svc',
    });
    expect(deployment.status?.readyReplicas).toBe(2);
    const mutations = await env.kubeMutations();
    await env.run(action(), input('blocked-svc'));
    expect(await env.kubeMutations()).toBe(mutations);
  });
});
