import { CoreV1Api } from '@kubernetes/client-node';
import { createGkeClusterCreateAction } from './gkeClusterCreate';
import {
  actionContext,
  runAction,
  DEMO,
  startGcpTestEnv,
} from '../__testUtils__/gcpTestEnv';

type Env = Awaited<ReturnType<typeof startGcpTestEnv>>;

function input(name: string, extra: Record<string, unknown> = {}) {
  return {
    projectId: DEMO.project,
    location: 'europe-west1',
    name,
    releaseChannel: 'STABLE',
    nodePools: [
      {
        name: 'default',
        machineType: 'e2-standard-4',
        minNodeCount: 1,
        maxNodeCount: 3,
      },
    ],
    labels: { team: 'platform' },
    environment: 'staging',
    ...extra,
  };
}

describe('gke:cluster:create against the GCP and Kubernetes imitations', () => {
  let env: Env;
  let action: ReturnType<typeof createGkeClusterCreateAction>;
  /** What the action told the catalog (topic groundcrew.infra.changed). */
  const published: Array<{ topic: string; eventPayload: unknown }> = [];

  beforeAll(async () => {
    env = await startGcpTestEnv();
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    await env.control.clearFaults();
    published.length = 0;
    action = createGkeClusterCreateAction({
      ...env.deps(),
      events: { publish: async p => void published.push(p) },
    });
  });

  const run = (i: Record<string, unknown>, opts?: { dryRun?: boolean }) =>
    runAction(action, i, opts);
  const mutations = () => env.mutations();

  it('creates the cluster, logs its progress, registers it in the fleet, and the real Kubernetes client reaches it', async () => {
    const { outputs, logger } = await run(input('gke-staging-a'));
    const log = logger.lines.join('\n');
    expect(log).toMatch(
      /gke-staging-a: CREATE_CLUSTER RUNNING \d+% \(CLUSTER_[A-Z]+\)/,
    );
    expect(log).toMatch(/gke-staging-a: CREATE_CLUSTER DONE/);
    expect(log).toContain('Registered gke-staging-a');
    expect(published).toEqual([
      {
        topic: 'groundcrew.infra.changed',
        eventPayload: {
          kind: 'kubernetes-cluster',
          name: 'gke-staging-a',
          entityRef: 'resource:default/gke-staging-a',
        },
      },
    ]);
    expect(outputs).toMatchObject({
      name: 'gke-staging-a',
      fleetCluster: 'gke-staging-a',
      entityRef: 'resource:default/gke-staging-a',
      endpoint: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
    });

    const inFleet = (await env.fleet.listClusters()).find(
      c => c.name === 'gke-staging-a',
    );
    expect(inFleet).toMatchObject({
      url: outputs.endpoint,
      labels: {
        environment: 'staging',
        region: 'europe-west1',
        'gcp-project': DEMO.project,
      },
    });
    const core = (await env.fleet.getKubeConfig('gke-staging-a')).makeApiClient(
      CoreV1Api,
    );
    const namespaces = (await core.listNamespace()).items.map(
      n => n.metadata?.name,
    );
    expect(namespaces).toEqual(
      expect.arrayContaining(['default', 'kube-system']),
    );

    const cluster = await env.gcp.getCluster({
      projectId: DEMO.project,
      location: 'europe-west1',
      name: 'gke-staging-a',
    });
    expect(cluster).toMatchObject({
      status: 'RUNNING',
      releaseChannel: 'STABLE',
      privateNodes: true,
      nodePools: [
        expect.objectContaining({
          name: 'default',
          machineType: 'e2-standard-4',
          minNodeCount: 1,
          maxNodeCount: 3,
        }),
      ],
      labels: {
        team: 'platform',
        environment: 'staging',
        'managed-by': 'groundcrew',
      },
    });

    const before = await mutations();
    const second = await run(input('gke-staging-a'));
    expect(await mutations()).toBe(before);
    expect(second.logger.lines.join('\n')).toContain(
      'Cluster gke-staging-a runs and is in the Groundcrew fleet; nothing to change',
    );
    // One audit event, for the run that wrote: who, what, the plan, and the result.
    const events = env.auditor.events.filter(
      e =>
        e.meta?.target ===
        `projects/${DEMO.project}/locations/europe-west1/clusters/gke-staging-a`,
    );
    expect(events).toEqual([
      {
        eventId: 'gke-cluster-create',
        meta: expect.objectContaining({
          actor: 'user:default/mock', // the task's initiator (mock credentials)
          before: { exists: false, inFleet: false },
          plan: [
            `create cluster gke-staging-a in ${DEMO.project}/europe-west1`,
            'register gke-staging-a in the Groundcrew fleet',
          ],
        }),
        outcome: {
          status: 'succeeded',
          meta: {
            after: {
              endpoint: outputs.endpoint,
              fleetCluster: 'gke-staging-a',
            },
          },
        },
      },
    ]);
  });

  it('dry run: plans without a mutating call and registers nothing', async () => {
    const before = await mutations();
    const { outputs } = await run(input('gke-dry-a'), { dryRun: true });
    expect(await mutations()).toBe(before);
    expect(outputs.plan).toEqual([
      `create cluster gke-dry-a in ${DEMO.project}/europe-west1`,
      'register gke-dry-a in the Groundcrew fleet',
    ]);
    expect((await env.fleet.listClusters()).map(c => c.name)).not.toContain(
      'gke-dry-a',
    );
    expect(published).toEqual([]);
  });

  it('follows the operation of a run that was killed half-way, without creating twice', async () => {
    // A run that started the create and died: the operation is running in GCP.
    await env.gcp.createCluster({
      projectId: DEMO.project,
      location: 'europe-west1',
      cluster: {
        name: 'gke-killed-a',
        releaseChannel: 'STABLE',
        privateNodes: true,
        labels: {
          team: 'platform',
          environment: 'staging',
          'managed-by': 'groundcrew',
        },
        nodePools: [
          {
            name: 'default',
            machineType: 'e2-standard-4',
            minNodeCount: 1,
            maxNodeCount: 3,
          },
        ],
      },
    });
    await env.control.resetCounters();
    const { outputs } = await run(input('gke-killed-a'));
    const counters = await env.control.counters();
    expect(
      counters.routes[
        'POST /v1/projects/{project}/locations/{location}/clusters'
      ] ?? 0,
    ).toBe(0);
    expect(outputs.endpoint).toMatch(/^https:/);
    expect((await env.fleet.listClusters()).map(c => c.name)).toContain(
      'gke-killed-a',
    );
  });

  it("a failed operation fails the task with GKE's reason; a re-run deletes the broken cluster and converges", async () => {
    await env.control.failNextOperations({
      kind: 'createCluster',
      count: 1,
      message:
        'Insufficient regional quota to satisfy request: resource "CPUS"',
    });
    await expect(run(input('gke-broken-a'))).rejects.toThrow(
      /Insufficient regional quota/,
    );
    expect(env.auditor.events.at(-1)).toMatchObject({
      eventId: 'gke-cluster-create',
      outcome: {
        status: 'failed',
        error: expect.stringMatching(/Insufficient regional quota/),
      },
    });
    expect((await env.fleet.listClusters()).map(c => c.name)).not.toContain(
      'gke-broken-a',
    );

    const { logger, outputs } = await run(input('gke-broken-a'));
    expect(logger.lines.join('\n')).toMatch(
      /delete cluster gke-broken-a \(ERROR/,
    );
    expect(outputs.endpoint).toMatch(/^https:/);
  });

  it('refuses a project without the Kubernetes Engine API, an unknown region and a fleet name clash, before any write', async () => {
    await env.gcp.createProject({
      projectId: 'no-container-api',
      displayName: 'no container',
      parent: DEMO.platformFolder,
      labels: {},
    });
    const before = await mutations();
    await expect(
      run(input('gke-x', { projectId: 'no-container-api' })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^projectId: the Kubernetes Engine API \(container.googleapis.com\) is not enabled/,
      ),
    });
    await expect(
      run(input('gke-x', { location: 'mars-north1' })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^location: mars-north1 is not one of the regions/,
      ),
    });
    await expect(run(input('gke-base'))).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /^name: the fleet already has a cluster named gke-base/,
      ),
    });
    expect(await mutations()).toBe(before);
  });

  it("only the project parent's owners or the platform group may create clusters in it", async () => {
    const outsider = createGkeClusterCreateAction(
      env.deps({ ownership: ['group:default/team-ai'] }),
    );
    const before = await mutations();
    await expect(
      outsider.handler(actionContext(input('gke-denied-a')).ctx as never),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(await mutations()).toBe(before);
  });
});
