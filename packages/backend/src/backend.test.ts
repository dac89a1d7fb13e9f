import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { kubernetesFleetServiceFactory } from '@groundcrew/plugin-infra-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import groundcrewPolicy, {
  GroundcrewPermissionPolicy,
} from '@groundcrew/plugin-permission-backend-module-groundcrew';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import { ConditionalPolicyDecision } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  demoCatalogConfig,
  waitForEntities,
} from './__testUtils__/demoCatalog';
import { demoOwnership, demoUserInfoFactory } from './__testUtils__/demoUsers';

function config(extra: object = {}) {
  return mockServices.rootConfig.factory({
    data: {
      ...demoCatalogConfig(),
      permission: { enabled: true },
      ...extra,
    },
  });
}

async function startPortalBackend(extra?: object) {
  return startTestBackend({
    features: [
      config(extra),
      demoUserInfoFactory(),
      kubernetesFleetServiceFactory,
      catalogPlugin,
      scaffolderEntityModel,
      permissionPlugin,
      groundcrewPolicy,
    ],
  });
}

describe('the portal backend', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startPortalBackend();
    server = backend.server;
    stop = () => backend.stop();
    // The catalog ingests the demo entities in the background.
    await waitForEntities(server, ['user/default/casey']);
  }, 60_000);

  afterAll(() => stop());

  it('serves the demo catalog with the Groundcrew annotations', async () => {
    const res = await request(server)
      .get('/api/catalog/entities/by-name/component/default/ai-gateway')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(res.body.metadata.annotations).toMatchObject({
      'groundcrew.io/runway-service': 'ai-gateway',
      'backstage.io/kubernetes-id': 'ai-gateway',
    });
    expect(res.body.spec.owner).toBe('team-ai');
  });

  async function authorize(user: string, permissions: object[]) {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header(user))
      .send({
        items: permissions.map((permission, i) => ({
          id: String(i),
          permission,
        })),
      });
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /** What the permission backend does with a conditional decision: ask the catalog to apply it. */
  async function applyConditions(decision: {
    resourceType: string;
    conditions: object;
  }) {
    const res = await request(server)
      .post('/api/catalog/.well-known/backstage/permissions/apply-conditions')
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceRef: 'component:default/ai-gateway',
            resourceType: decision.resourceType,
            conditions: decision.conditions,
          },
        ],
      });
    expect(res.status).toBe(200);
    return res.body.items[0].result;
  }

  const registerCluster = {
    type: 'basic',
    name: 'groundcrew.fleet.cluster.register',
    attributes: { action: 'create' },
  };
  const createTask = {
    type: 'basic',
    name: 'scaffolder.task.create',
    attributes: { action: 'create' },
  };

  it('lets the owners of a service mutate it, and denies another team', async () => {
    // The policy's conditional decision, applied by the running catalog to the demo entity.
    const policy = GroundcrewPermissionPolicy.create();
    const decide = async (ref: string) => {
      const decision = await policy.handle(
        { permission: catalogEntityDeletePermission },
        {
          info: { userEntityRef: ref, ownershipEntityRefs: demoOwnership[ref] },
        } as PolicyQueryUser,
      );
      expect(decision.result).toBe('CONDITIONAL');
      return applyConditions(decision as ConditionalPolicyDecision);
    };
    expect(await decide('user:default/demo')).toBe('ALLOW');
    expect(await decide('user:default/casey')).toBe('DENY');
  });

  it('keeps platform-only mutations to the platform group', async () => {
    const results = async (user: string) =>
      (await authorize(user, [registerCluster, createTask])).map(
        (i: { result: string }) => i.result,
      );
    expect(await results('user:default/demo')).toEqual(['DENY', 'ALLOW']);
    expect(await results('user:default/casey')).toEqual(['DENY', 'ALLOW']);
    expect(await results('user:default/pat')).toEqual(['ALLOW', 'ALLOW']);
  });
});

describe('the portal backend with an invalid config', () => {
  it('refuses to start and names the key', async () => {
    await expect(
      startPortalBackend({
        groundcrew: {
          kubernetes: {
            clusters: [
              { name: 'gke-a', url: 'https://127.0.0.1:1', token: 't' },
              { name: 'gke-b', url: 'gke-b', token: 't' },
            ],
          },
        },
      }),
    ).rejects.toThrow(
      'groundcrew.kubernetes.clusters[1].url is not a valid URL: "gke-b"',
    );
  });
});
