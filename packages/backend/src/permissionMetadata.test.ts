import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import deployBoardPlugin from '@groundcrew/plugin-deploy-board-backend';
import {
  fleetClusterRegisterPermission,
  groundcrewPermissions,
} from '@groundcrew/plugin-infra-common';
import {
  gcpServiceFactory,
  kubernetesFleetServiceFactory,
  teleportServiceFactory,
  vaultServiceFactory,
} from '@groundcrew/plugin-infra-node';
import groundcrewPolicy from '@groundcrew/plugin-permission-backend-module-groundcrew';
import gcpActions from '@groundcrew/plugin-scaffolder-backend-module-gcp';
import runwayActions from '@groundcrew/plugin-scaffolder-backend-module-runway';
import teleportAccessPlugin from '@groundcrew/plugin-teleport-access-backend';
import trafficPlugin from '@groundcrew/plugin-traffic-backend';
import vaultSecretsPlugin from '@groundcrew/plugin-vault-secrets-backend';
import { demoCatalogConfig } from './__testUtils__/demoCatalog';
import { demoUserInfoFactory } from './__testUtils__/demoUsers';

/** The plugin whose backend checks each Groundcrew permission, and so lists it. */
const checkedBy: Record<string, string> = {
  'groundcrew.deployBoard.read': 'deploy-board',
  'groundcrew.traffic.update': 'traffic',
  'groundcrew.secrets.read': 'vault-secrets',
  'groundcrew.access.review': 'teleport-access',
  'groundcrew.gcp.project.create': 'scaffolder',
  'groundcrew.gke.cluster.create': 'scaffolder',
  'groundcrew.runway.service.create': 'scaffolder',
};

describe('the Groundcrew permissions in a portal backend', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            ...demoCatalogConfig(),
            permission: { enabled: true },
            // An adopter who shows pods to their owners only: the policy starts with it.
            groundcrew: {
              permissions: { ownersOnlyReads: ['groundcrew.deployBoard.read'] },
            },
          },
        }),
        demoUserInfoFactory(),
        kubernetesFleetServiceFactory,
        gcpServiceFactory,
        vaultServiceFactory,
        teleportServiceFactory,
        catalogPlugin,
        permissionPlugin,
        groundcrewPolicy,
        scaffolderPlugin,
        gcpActions,
        runwayActions,
        deployBoardPlugin,
        trafficPlugin,
        vaultSecretsPlugin,
        teleportAccessPlugin,
      ],
    });
  }, 60_000);

  afterAll(() => backend?.stop());

  async function listed(pluginId: string): Promise<string[]> {
    const res = await request(backend.server)
      .get(`/api/${pluginId}/.well-known/backstage/permissions/metadata`)
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    return res.body.permissions.map((p: { name: string }) => p.name);
  }

  it('lists every Groundcrew permission a backend checks, in the plugin that checks it', async () => {
    // Registering a cluster is not checked by any backend yet: nothing lists it.
    const checked = groundcrewPermissions.filter(
      p => p !== fleetClusterRegisterPermission,
    );
    expect(Object.keys(checkedBy).sort()).toEqual(
      checked.map(p => p.name).sort(),
    );
    for (const [name, pluginId] of Object.entries(checkedBy)) {
      expect(await listed(pluginId)).toContain(name);
    }
  });
});
