import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createTestDatabase,
  TestDatabase,
  testDatabaseKinds,
} from '@groundcrew/plugin-infra-node/testUtils';
import {
  fleetClustersConfig,
  Sandbox,
  startSandbox,
} from '@groundcrew/sandbox';
import { TrafficView } from '@groundcrew/plugin-infra-common';
import { trafficPlugin } from './plugin';

jest.setTimeout(60_000);

const demo = mockCredentials.user.header('user:default/demo');
const US = 'gke-prod-us-east1';
const ROUTE = 'HTTPRoute/ai-gateway/ai-gateway';

// Two backend replicas on one database: SQLite always, PostgreSQL too when GROUNDCREW_TEST_POSTGRES
// is set (as .ci/run does).
describe.each(testDatabaseKinds())(
  'two traffic backends on one %s database',
  kind => {
    let sandbox: Sandbox;
    let db: TestDatabase;
    const replicas: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];

    beforeAll(async () => {
      sandbox = await startSandbox({
        watchHistorySize: 100,
        timings: {
          podStartDelayMs: 30,
          podReadyDelayMs: 60,
          bookmarkIntervalMs: 500,
        },
      });
      db = await createTestDatabase(kind);
      for (let i = 0; i < 2; i++) {
        replicas.push(
          await startTestBackend({
            features: [
              mockServices.rootConfig.factory({
                data: {
                  backend: {
                    baseUrl: 'http://localhost:0',
                    database: db.backendConfig(),
                  },
                  groundcrew: {
                    kubernetes: { clusters: fleetClustersConfig(sandbox) },
                  },
                },
              }),
              catalogServiceMock.factory({
                entities: [
                  {
                    apiVersion: 'backstage.io/v1alpha1',
                    kind: 'Component',
                    metadata: {
                      name: 'ai-gateway',
                      namespace: 'default',
                      annotations: {
                        'groundcrew.io/runway-service': 'ai-gateway',
                      },
                    },
                    spec: {
                      type: 'service',
                      owner: 'team-ai',
                      lifecycle: 'production',
                    },
                  },
                ],
              }),
              mockServices.permissions.factory(),
              trafficPlugin,
            ],
          }),
        );
      }
    });

    afterAll(async () => {
      for (const r of replicas) await r.stop();
      await db?.cleanup();
      await sandbox?.stop();
    });

    it('a change through one replica is in the other’s history and view', async () => {
      const [a, b] = replicas;
      const res = await request(a.server)
        .post('/api/traffic/routes/default/component/ai-gateway/changes')
        .set('Authorization', demo)
        .send({ route: ROUTE, cluster: US, step: 'next', reason: 'replica A' });
      expect(res.status).toBe(200);
      const history = await request(b.server)
        .get('/api/traffic/history/default/component/ai-gateway')
        .set('Authorization', demo);
      expect(history.status).toBe(200);
      expect(history.body.changes).toEqual([
        expect.objectContaining({
          reason: 'replica A',
          before: 5,
          after: 25,
          cluster: US,
        }),
      ]);
      // B's own watch cache follows the write A made.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const view: TrafficView = (
          await request(b.server)
            .get('/api/traffic/routes/default/component/ai-gateway')
            .set('Authorization', demo)
        ).body;
        if (view.routes.find(r => r.cluster === US)?.canaryPercent === 25)
          break;
        if (Date.now() > deadline) throw new Error('replica B never saw 25%');
        await new Promise(r => setTimeout(r, 100));
      }
    });
  },
);
