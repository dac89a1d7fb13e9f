import request from 'supertest';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import deployBoardPlugin from '@groundcrew/plugin-deploy-board-backend';
import {
  gcpServiceFactory,
  kubernetesFleetServiceFactory,
} from '@groundcrew/plugin-infra-node';
import gcpActions from '@groundcrew/plugin-scaffolder-backend-module-gcp';
import {
  deployment,
  fleetClustersConfig,
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
 * The two templates end to end: the real catalog reads templates/*.yaml, the real scaffolder runs
 * a task through its HTTP API, the actions call the GCP imitation through Google's clients, and
 * the cluster they make answers @kubernetes/client-node and shows up on a deploy board.
 */
describe('the GCP project and GKE cluster templates, through the scaffolder task API', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [
        {
          name: 'gke-prod-us-east1',
          labels: { environment: 'production', region: 'us-east1' },
        },
      ],
      demo: false,
      token: 'templates-test-token',
      gcp: {
        timings: {
          projectCreateMs: 50,
          projectUpdateMs: 50,
          serviceEnableMs: 50,
          clusterCreateMs: 300,
        },
      },
      timings: { podStartDelayMs: 50, podReadyDelayMs: 50 },
    });
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            ...demoCatalogConfig({ templates: true }),
            // The test backend's mock auth drops the `actor` of an on-behalf-of token, so with the
            // permission backend on, the scaffolder's catalog reads (user, no actor, no
            // resourceRef) are refused as direct user requests, which a real backend never sends.
            // The actions' own guard (the folder's owners) runs either way; the policy's decisions
            // are tested in backend.test.ts and the actions' permission checks in their own tests.
            permission: { enabled: false },
            groundcrew: {
              gcp: {
                endpoint: sandbox.gcp!.url,
                caData: sandbox.kubernetes.caPem,
                credentials: { token: sandbox.gcp!.token },
                operationPollIntervalSeconds: 0.05,
                parents: [
                  { parent: 'folders/1002', owners: ['group:default/team-ai'] },
                ],
              },
              gke: { fleetCredential: 'sandbox' },
              kubernetes: {
                registrySyncIntervalSeconds: 0.2,
                credentials: { sandbox: { token: 'templates-test-token' } },
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
        gcpActions,
        deployBoardPlugin,
      ],
    });
    // The catalog reads the templates in the background.
    await waitForEntities(backend.server, [
      'template/default/gke-cluster',
      'template/default/gcp-project',
      'user/default/demo',
    ]);
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  const runTemplate = (user: string, templateRef: string, values: object) =>
    runScaffolderTask(backend.server, user, templateRef, values);

  const projectValues = (projectId: string) => ({
    projectId,
    displayName: 'Templates e2e',
    parent: 'folders/1002',
    billingAccount: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
    apis: ['container.googleapis.com', 'compute.googleapis.com'],
    owners: ['team-ai@groundcrew.example'],
    editors: ['team-ai-developers@groundcrew.example'],
    labels: { team: 'team-ai', environment: 'staging' },
  });

  it("creates a GCP project for a member of the folder's team, and refuses another team", async () => {
    const { task, log } = await runTemplate(
      'user:default/demo',
      'template:default/gcp-project',
      projectValues('tpl-e2e-proj'),
    );
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });
    expect(log).toContain('Created project tpl-e2e-proj');
    expect(task.output?.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          url: 'https://console.cloud.google.com/home/dashboard?project=tpl-e2e-proj',
        }),
        expect.objectContaining({ entityRef: 'resource:default/tpl-e2e-proj' }),
      ]),
    );

    const refused = await runTemplate(
      'user:default/casey',
      'template:default/gcp-project',
      projectValues('tpl-e2e-proj-2'),
    );
    expect(refused.task.status).toBe('failed');
    expect(refused.log).toMatch(
      /parent: only members of group:default\/platform or group:default\/team-ai may create GCP projects in folders\/1002/,
    );
  });

  it('creates a GKE cluster that answers the real Kubernetes client and shows on the deploy board', async () => {
    const { task, log } = await runTemplate(
      'user:default/demo',
      'template:default/gke-cluster',
      {
        projectId: 'tpl-e2e-proj',
        location: 'europe-west1',
        name: 'gke-tpl-e2e',
        releaseChannel: 'REGULAR',
        privateNodes: true,
        environment: 'staging',
        nodePool: {
          machineType: 'e2-standard-4',
          minNodeCount: 1,
          maxNodeCount: 3,
        },
      },
    );
    expect({ status: task.status, log }).toMatchObject({ status: 'completed' });
    expect(log).toMatch(/gke-tpl-e2e: CREATE_CLUSTER (PENDING|RUNNING)/);
    expect(log).toContain('Registered gke-tpl-e2e');

    // The real client, with the endpoint and CA GKE reported and the sandbox token.
    const endpoint = sandbox.kubernetes.clusters.find(
      c => c.name === 'gke-tpl-e2e',
    )!.url;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: endpoint,
          caData: Buffer.from(sandbox.kubernetes.caPem).toString('base64'),
        },
      ],
      users: [{ name: 'u', token: 'templates-test-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'ai-gateway' } } });
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'ai-gateway',
      body: deployment({
        namespace: 'ai-gateway',
        name: 'ai-gateway-main',
        image: 'registry.example/ai-gateway:1.0.0',
        replicas: 2,
        labels: {
          'runway.gitlab.com/service': 'ai-gateway',
          app: 'ai-gateway',
        },
      }) as never,
    });

    // The deploy board of ai-gateway has the new cluster, under the environment the template gave.
    let board:
      | {
          clusters: Array<{ name: string; environment: string; state: string }>;
          environments: Array<{ name: string }>;
        }
      | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await request(backend.server)
        .get('/api/deploy-board/boards/default/component/ai-gateway')
        .set('Authorization', mockCredentials.user.header('user:default/demo'));
      board = res.body;
      if (board?.environments?.some(e => e.name === 'staging')) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(board?.clusters.find(c => c.name === 'gke-tpl-e2e')).toMatchObject({
      environment: 'staging',
      state: 'ok',
    });
    expect(board?.environments.map(e => e.name)).toContain('staging');
  });
});
