import { ServicesClient } from '@google-cloud/run';
import { StaticTokenAuthClient } from '@groundcrew/plugin-infra-node';
import { createRunwayServiceCreateAction } from './serviceCreate';
import { startRunwayTestEnv } from '../__testUtils__/runwayTestEnv';

type Env = Awaited<ReturnType<typeof startRunwayTestEnv>>;

const PROJECT = 'groundcrew-demo';

function manifest(name: string, spec: Record<string, unknown> = {}) {
  return {
    kind: 'RunwayService',
    metadata: {
      name,
      owner_email_handle: 'team-ai',
      department: 'eng-dev',
      department_group: 'eng-dev-ai',
      product_category: 'ai_gateway',
    },
    spec: {
      container_port: 8080,
      regions: ['us-east1', 'europe-west1'],
      scalability: { min_instances: 0, max_instances: 3 },
      deployment: {
        strategy: 'gradual',
        rollout_traffic_percentages: [10, 50, 100],
      },
      environment_variables: {
        LOG_LEVEL: { value: 'debug' },
        DB_PASSWORD: { vault: { path: 'runway/env/prod/db', key: 'password' } },
      },
      ...spec,
    },
  };
}

function input(name: string, extra: Record<string, unknown> = {}) {
  return {
    manifest: manifest(name),
    image: `us-docker.pkg.dev/team-ai/${name}:2.0.0`,
    owner: 'group:default/team-ai',
    projectId: PROJECT,
    ...extra,
  };
}

// Each test turns services up and waits for them (seconds on a busy CI machine).
jest.setTimeout(60_000);

describe('runway:service:create on Cloud Run', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startRunwayTestEnv();
  });
  afterAll(() => env?.stop());

  /** What the action told the catalog (topic groundcrew.infra.changed). */
  const published: Array<{ topic: string; eventPayload: unknown }> = [];
  const action = () =>
    createRunwayServiceCreateAction({
      ...env.deps(),
      events: { publish: async p => void published.push(p) },
    });
  const service = (name: string, location = 'us-east1') =>
    env.gcp.getRunService({ projectId: PROJECT, location, name });

  it('creates a service per region serving its first revision, and a second run changes nothing', async () => {
    const before = await env.gcpMutations();
    published.length = 0;
    const { outputs, logger } = await env.run(action(), input('docs-search'));
    expect(published).toEqual([
      {
        topic: 'groundcrew.infra.changed',
        eventPayload: {
          kind: 'runway-service',
          name: 'docs-search',
          entityRef: 'component:default/docs-search',
        },
      },
    ]);
    expect(outputs).toMatchObject({
      name: 'docs-search',
      runtime: 'cloud-run',
      release: '2-0-0',
      projectId: PROJECT,
      canaryPercent: 0,
    });
    expect(outputs.urls).toHaveLength(2);
    expect(await env.gcpMutations()).toBeGreaterThan(before);
    for (const location of ['us-east1', 'europe-west1']) {
      const svc = await service('docs-search', location);
      expect(svc).toMatchObject({
        ready: true,
        latestReadyRevision: 'docs-search-2-0-0',
        labels: {
          'runway-service': 'docs-search',
          'groundcrew-owner': 'team-ai',
          'managed-by': 'groundcrew',
        },
        trafficStatuses: [
          expect.objectContaining({
            revision: 'docs-search-2-0-0',
            percent: 100,
          }),
        ],
        template: expect.objectContaining({
          image: 'us-docker.pkg.dev/team-ai/docs-search:2.0.0',
          // The Vault reference is not sent as a value.
          envNames: ['LOG_LEVEL'],
          maxInstances: 3,
        }),
      });
    }
    expect(logger.lines.join('\n')).toContain(
      'serves 100% to docs-search-2-0-0',
    );

    const events = env.auditor.events.length;
    const mutations = await env.gcpMutations();
    const again = await env.run(action(), input('docs-search'));
    expect(await env.gcpMutations()).toBe(mutations);
    expect(env.auditor.events.length).toBe(events);
    expect(again.outputs.plan).toEqual([]);
    expect(published).toHaveLength(1);
  });

  it('splits traffic to a new release by the first rollout step, as the real client reads it', async () => {
    await env.run(
      action(),
      input('split-svc', {
        manifest: manifest('split-svc', { regions: ['us-east1'] }),
      }),
    );
    const next = input('split-svc', {
      manifest: manifest('split-svc', { regions: ['us-east1'] }),
      image: 'us-docker.pkg.dev/team-ai/split-svc:2.1.0',
    });
    const { outputs } = await env.run(action(), next);
    expect(outputs.canaryPercent).toBe(10);
    // Google's own client sees the split.
    const client = new ServicesClient({
      apiEndpoint: '127.0.0.1',
      port: Number(new URL(env.sandbox.gcp!.url).port),
      fallback: true,
      protocol: 'https',
      authClient: new StaticTokenAuthClient({
        token: env.sandbox.gcp!.token,
        caPem: env.sandbox.kubernetes.caPem,
      }),
    });
    const [svc] = await client.getService({
      name: `projects/${PROJECT}/locations/us-east1/services/split-svc`,
    });
    expect(
      svc.trafficStatuses?.map(t => [t.revision, t.percent]).sort(),
    ).toEqual([
      ['split-svc-2-0-0', 90],
      ['split-svc-2-1-0', 10],
    ]);
    const mutations = await env.gcpMutations();
    await env.run(action(), next);
    expect(await env.gcpMutations()).toBe(mutations);
  });

  it('dry run plans and calls nothing that writes', async () => {
    const mutations = await env.gcpMutations();
    published.length = 0;
    const { outputs, logger } = await env.run(action(), input('dry-run-svc'), {
      dryRun: true,
    });
    expect(await env.gcpMutations()).toBe(mutations);
    expect(published).toEqual([]);
    expect(outputs.plan).toHaveLength(2);
    expect(logger.lines.join('\n')).toContain('Dry run, nothing changed');
    expect(await service('dry-run-svc')).toBeUndefined();
  });

  it('refuses a service Groundcrew does not manage', async () => {
    const mutations = await env.gcpMutations();
    await expect(
      env.run(
        action(),
        input('docs-preview', {
          manifest: manifest('docs-preview', { regions: ['us-east1'] }),
        }),
      ),
    ).rejects.toThrow(
      `manifest: Cloud Run service docs-preview already exists in ${PROJECT}/us-east1 and Groundcrew does not manage it`,
    );
    expect(await env.gcpMutations()).toBe(mutations);
  });

  it('fails clearly when Cloud Run fails the operation, and a re-run converges', async () => {
    await env.sandbox.gcp!.control.failNextOperations({
      kind: 'createRunService',
      message: 'Revision failed to start: container exited',
    });
    const one = { manifest: manifest('flaky-svc', { regions: ['us-east1'] }) };
    await expect(env.run(action(), input('flaky-svc', one))).rejects.toThrow(
      /container exited/,
    );
    expect(env.auditor.events.at(-1)?.outcome?.status).toBe('failed');
    // A revision that did not start cannot be deployed again under its name: the re-run deploys
    // a retry revision and sends it the traffic.
    const { outputs } = await env.run(action(), input('flaky-svc', one));
    expect(outputs.plan).toEqual([
      expect.stringContaining(
        'again as revision flaky-svc-2-0-0-r2 (flaky-svc-2-0-0 did not start): 100% to flaky-svc-2-0-0-r2',
      ),
    ]);
    expect(outputs.urls).toHaveLength(1);
    expect(await service('flaky-svc')).toMatchObject({
      ready: true,
      latestReadyRevision: 'flaky-svc-2-0-0-r2',
    });
    const mutations = await env.gcpMutations();
    await env.run(action(), input('flaky-svc', one));
    expect(await env.gcpMutations()).toBe(mutations);
  });
});
