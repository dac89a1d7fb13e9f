import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EventsService,
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  gcpServiceFactory,
  gcpServiceRef,
  GcpService,
  INFRA_CHANGED_TOPIC,
  kubernetesFleetServiceFactory,
} from '@groundcrew/plugin-infra-node';
import { sandboxAppConfig } from '@groundcrew/plugin-infra-node/testUtils';
import type { Sandbox } from '@groundcrew/sandbox';
import { startInfraSandbox } from './__testUtils__/infraSandbox';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import catalogModule from './index';

describe('catalog module: the real catalog ingests the provider', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let events: EventsService;
  let gcp: GcpService;

  beforeAll(async () => {
    sandbox = await startInfraSandbox({
      clusters: [
        {
          name: 'gke-prod-us-east1',
          labels: { environment: 'production', region: 'us-east1' },
        },
      ],
      token: 'infra-module-kube-token',
    });
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: sandboxAppConfig(sandbox, {
            clusterLabels: () => ({
              environment: 'production',
              class: 'cattle',
            }),
            overrides: {
              groundcrew: {
                catalog: {
                  // Once an hour: only the event can explain a refresh within the test.
                  schedule: {
                    frequency: { hours: 1 },
                    timeout: { minutes: 1 },
                  },
                  serviceGracePeriod: { seconds: 0 },
                },
              },
            },
          }),
        }),
        // The real events service (one in-process bus for every plugin); the test backend's
        // mock gives each plugin its own.
        eventsServiceFactory,
        gcpServiceFactory,
        kubernetesFleetServiceFactory,
        catalogPlugin,
        catalogModule,
        createBackendPlugin({
          pluginId: 'probe',
          register(reg) {
            reg.registerInit({
              deps: { events: eventsServiceRef, gcp: gcpServiceRef },
              async init(deps) {
                events = deps.events;
                gcp = deps.gcp;
              },
            });
          },
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  async function entity(ref: string): Promise<Entity | undefined> {
    const [kind, rest] = ref.split(':');
    const res = await request(backend.server)
      .get(`/api/catalog/entities/by-name/${kind}/${rest}`)
      .set('authorization', mockCredentials.user.header());
    return res.status === 200 ? res.body : undefined;
  }

  async function eventually(ref: string, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await entity(ref);
      if (found?.relations?.length) return found;
      if (Date.now() > deadline) throw new Error(`${ref} did not appear`);
      await new Promise(r => setTimeout(r, 200));
    }
  }

  it('stores the entities with their relations; a template event refreshes at once; the status says so', async () => {
    const cluster = await eventually('resource:default/gke-prod-us-east1');
    expect(cluster.metadata.labels?.['groundcrew.io/class']).toBe('cattle');
    expect(cluster.relations).toEqual(
      expect.arrayContaining([
        { type: 'dependsOn', targetRef: 'resource:default/groundcrew-demo' },
        { type: 'ownedBy', targetRef: 'group:default/platform' },
      ]),
    );
    const service = await eventually('component:default/checkout-api');
    expect(service.relations).toEqual(
      expect.arrayContaining([
        { type: 'dependsOn', targetRef: 'resource:default/gke-prod-us-east1' },
        { type: 'ownedBy', targetRef: 'group:default/platform' },
      ]),
    );

    // What gcp:project:create does, then the event it publishes.
    await gcp.createProject({
      projectId: 'infra-on-demand',
      displayName: 'On demand',
      parent: 'folders/1002',
      labels: { team: 'team-ai' },
    });
    expect(await entity('resource:default/infra-on-demand')).toBeUndefined();
    await events.publish({
      topic: INFRA_CHANGED_TOPIC,
      eventPayload: {
        kind: 'gcp-project',
        name: 'infra-on-demand',
        entityRef: 'resource:default/infra-on-demand',
      },
    });
    const created = await eventually('resource:default/infra-on-demand');
    expect(created.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/team-ai' },
      ]),
    );

    const status = await request(backend.server)
      .get('/api/catalog/groundcrew-infra/status')
      .set('authorization', mockCredentials.user.header());
    expect(status.status).toBe(200);
    expect(status.body.lastRun).toMatchObject({ mutation: 'full' });
    expect(status.body.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'gcp',
          usingLastGood: false,
          entityCount: 3,
        }),
        expect.objectContaining({
          source: 'kubernetes:gke-prod-us-east1',
          entityCount: 3,
        }),
      ]),
    );
    const anonymous = await request(backend.server)
      .get('/api/catalog/groundcrew-infra/status')
      .set('authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  }, 180_000);
});
