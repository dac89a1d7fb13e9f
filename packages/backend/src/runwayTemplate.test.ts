import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import gitlabActions from '@backstage/plugin-scaffolder-backend-module-gitlab';
import {
  gcpServiceFactory,
  kubernetesFleetServiceFactory,
} from '@groundcrew/plugin-infra-node';
import runwayActions from '@groundcrew/plugin-scaffolder-backend-module-runway';
import {
  fleetClustersConfig,
  kubeConfigOptions,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import {
  demoCatalogConfig,
  waitForEntities,
} from './__testUtils__/demoCatalog';
import { demoUserInfoFactory } from './__testUtils__/demoUsers';
import { runScaffolderTask } from './__testUtils__/scaffolderTasks';

/**
 * The Runway template end to end: the real catalog reads it, the real scaffolder runs it through
 * its task API; runway:service:create turns the service up on the Kubernetes imitation (Flux
 * renders the chart, pods roll out) or on the Cloud Run imitation; Backstage's own publish:gitlab
 * pushes the repository to the GitLab imitation with git, and catalog:register reads the new
 * Component back from it through the GitLab URL reader.
 */
// Each test runs whole scaffolder tasks (seconds each; more on a busy CI machine).
jest.setTimeout(120_000);

describe('the Runway service template, through the scaffolder task API', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let gitlabHost: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [
        {
          name: 'gke-prod-us-east1',
          labels: { environment: 'production', region: 'us-east1' },
        },
      ],
      demo: false,
      token: 'runway-template-token',
      timings: {
        podStartDelayMs: 50,
        podReadyDelayMs: 50,
        fluxReadyDelayMs: 50,
      },
      gcp: { timings: { runServiceCreateMs: 50, runServiceUpdateMs: 50 } },
    });
    gitlabHost = new URL(sandbox.gitlab!.url).host;
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            ...demoCatalogConfig({ templates: true }),
            // As in templates.test.ts: the mock auth drops the actor of on-behalf-of tokens, so
            // the permission backend stays off; the actions' own guard (the owner group) runs.
            permission: { enabled: false },
            integrations: {
              gitlab: [
                {
                  host: gitlabHost,
                  apiBaseUrl: sandbox.gitlab!.apiBaseUrl,
                  baseUrl: sandbox.gitlab!.url,
                  token: sandbox.gitlab!.token,
                },
              ],
            },
            groundcrew: {
              gcp: {
                endpoint: sandbox.gcp!.url,
                caData: sandbox.kubernetes.caPem,
                credentials: { token: sandbox.gcp!.token },
                operationPollIntervalSeconds: 0.05,
              },
              runway: { gke: { rolloutTimeoutMinutes: 1 } },
              kubernetes: {
                credentials: { sandbox: { token: 'runway-template-token' } },
                clusters: fleetClustersConfig(sandbox),
              },
            },
          },
        }),
        demoUserInfoFactory(),
        kubernetesFleetServiceFactory,
        gcpServiceFactory,
        catalogPlugin,
        scaffolderEntityModel,
        scaffolderPlugin,
        gitlabActions,
        runwayActions,
      ],
    });
    await waitForEntities(backend.server, [
      'template/default/runway-service',
      'group/default/team-ai',
      'user/default/demo',
    ]);
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  const values = (name: string, target: Record<string, unknown>) => ({
    name,
    description: 'Routes prompts: to the right model',
    owner: 'group:default/team-ai',
    department: 'eng-dev',
    departmentGroup: 'eng-dev-ai',
    productCategory: 'ai_gateway',
    stage: 'main',
    image: `registry.example.com/team-ai/${name}:1.0.0`,
    port: 8080,
    minInstances: 2,
    maxInstances: 3,
    livenessPath: '/healthz',
    strategy: 'gradual',
    rolloutSteps: [10, 50, 100],
    environmentVariables: {
      LOG_LEVEL: { value: 'info' },
      API_KEY: { vault: { path: `runway/env/prod/${name}`, key: 'api_key' } },
    },
    repoUrl: `${gitlabHost}?owner=team-ai&repo=${name}`,
    ...target,
  });

  /** The Component catalog:register read from the new GitLab repository. */
  async function component(name: string) {
    await waitForEntities(backend.server, [`component/default/${name}`]);
    const res = await request(backend.server)
      .get(`/api/catalog/entities/by-name/component/default/${name}`)
      .set('Authorization', mockCredentials.service.header());
    return res.body as {
      metadata: { annotations: Record<string, string> };
      spec: { owner: string; type: string };
    };
  }

  it('turns a service up on GKE: a GitLab repository, a Component in the catalog, running pods', async () => {
    const { task, log } = await runScaffolderTask(
      backend.server,
      'user:default/demo',
      'template:default/runway-service',
      values('tpl-router', {
        runtime: 'gke',
        region: 'us-east1',
        cluster: 'gke-prod-us-east1',
      }),
      { timeoutMs: 90_000 },
    );
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });
    expect(log).toContain('pods ready: tpl-router 2/2');
    expect(task.output?.links).toEqual([
      expect.objectContaining({
        url: `${sandbox.gitlab!.url}/team-ai/tpl-router`,
      }),
      expect.objectContaining({ entityRef: 'component:default/tpl-router' }),
      expect.objectContaining({
        url: '/catalog/default/component/tpl-router/deploy-board',
      }),
    ]);

    const entity = await component('tpl-router');
    expect(entity.spec).toMatchObject({
      owner: 'group:default/team-ai',
      type: 'service',
    });
    expect(entity.metadata.annotations).toMatchObject({
      'groundcrew.io/runway-service': 'tpl-router',
      'backstage.io/kubernetes-id': 'tpl-router',
      'backstage.io/managed-by-location': expect.stringContaining(
        `url:${
          sandbox.gitlab!.url
        }/team-ai/tpl-router/-/blob/main/catalog-info.yaml`,
      ),
    });

    // The manifest is in the repository, as GitLab serves it.
    const raw = await fetch(
      `${sandbox.gitlab!.apiBaseUrl}/projects/${encodeURIComponent(
        'team-ai/tpl-router',
      )}/repository/files/${encodeURIComponent(
        '.runway/runway.yml',
      )}/raw?ref=main`,
      { headers: { 'PRIVATE-TOKEN': sandbox.gitlab!.token } },
    );
    expect(raw.status).toBe(200);
    const manifest = await raw.text();
    expect(manifest).toContain('kind: RunwayKubernetesService');
    // Editors find the schema the portal serves.
    expect(manifest).toMatch(
      /^# yaml-language-server: \$schema=http:\/\/localhost:\d+\/api\/infra\/runway\/schema\.json\n/,
    );

    const kc = new KubeConfig();
    kc.loadFromOptions(kubeConfigOptions(sandbox, 'gke-prod-us-east1'));
    const deployment = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({
        namespace: 'tpl-router',
        name: 'tpl-router',
      });
    expect(deployment.status?.readyReplicas).toBe(2);
  });

  it('turns a service up on Cloud Run, its revision serving all the traffic', async () => {
    const { task, log } = await runScaffolderTask(
      backend.server,
      'user:default/demo',
      'template:default/runway-service',
      values('tpl-docs', {
        runtime: 'cloud-run',
        projectId: 'groundcrew-demo',
        regions: ['us-east1'],
        minInstances: 0,
      }),
      { timeoutMs: 90_000 },
    );
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });
    expect(log).toContain('serves 100% to tpl-docs-1-0-0');
    await component('tpl-docs');
  });

  it('refuses a team member of another team before anything is made', async () => {
    const mutations = (await sandbox.gitlab!.control.counters()).mutations;
    const { task, log } = await runScaffolderTask(
      backend.server,
      'user:default/casey',
      'template:default/runway-service',
      values('tpl-denied', {
        runtime: 'gke',
        region: 'us-east1',
        cluster: 'gke-prod-us-east1',
      }),
    );
    expect(task.status).toBe('failed');
    expect(log).toContain(
      'owner: only members of group:default/team-ai or group:default/platform may turn up a service owned by group:default/team-ai',
    );
    expect((await sandbox.gitlab!.control.counters()).mutations).toBe(
      mutations,
    );
  });

  it('fails clearly when the GitLab project exists, and a re-run with another name converges', async () => {
    const gke = {
      runtime: 'gke',
      region: 'us-east1',
      cluster: 'gke-prod-us-east1',
    };
    const clash = await runScaffolderTask(
      backend.server,
      'user:default/demo',
      'template:default/runway-service',
      {
        ...values('tpl-clash', gke),
        // The demo's team-ai/ai-gateway exists.
        repoUrl: `${gitlabHost}?owner=team-ai&repo=ai-gateway`,
      },
      { timeoutMs: 90_000 },
    );
    expect(clash.task.status).toBe('failed');
    expect(clash.log).toMatch(/has already been taken/);

    const again = await runScaffolderTask(
      backend.server,
      'user:default/demo',
      'template:default/runway-service',
      values('tpl-clash', gke),
      { timeoutMs: 90_000 },
    );
    expect({ status: again.task.status, log: again.log }).toMatchObject({
      status: 'completed',
    });
    // The turn-up the first run made is kept, not made again.
    expect(again.log).toContain(
      'tpl-clash on gke-prod-us-east1/tpl-clash is as asked; nothing to apply',
    );
    await component('tpl-clash');
  });
});
