import { ResponseError } from '@backstage/errors';
import { registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  createTestClient,
  demoClusters,
  demoFleetClusters,
  errorResponse,
  infraBackendHandlers,
} from '../__testUtils__/infraBackend';

const server = setupServer();
registerMswTestHooks(server);

describe('InfraClient', () => {
  let requests: URL[];
  beforeEach(() => {
    requests = [];
    server.use(...infraBackendHandlers(requests));
  });

  it('checks a project id', async () => {
    await expect(
      createTestClient().checkProjectId('groundcrew-demo'),
    ).resolves.toMatchObject({
      status: 'taken',
      project: { displayName: 'Groundcrew Demo' },
    });
    await expect(
      createTestClient().checkProjectId('team-ai-new'),
    ).resolves.toEqual({ projectId: 'team-ai-new', status: 'available' });
  });

  it('escapes what it puts in a path', async () => {
    await createTestClient().checkProjectId('a/b?c');
    expect(requests[0].pathname).toBe(
      '/api/infra/gcp/projects/a%2Fb%3Fc/availability',
    );
  });

  it('searches projects with query, limit and includeInactive', async () => {
    const projects = await createTestClient().listProjects({
      query: ' team ',
      limit: 5,
      includeInactive: true,
    });
    expect(projects.map(p => p.projectId)).toEqual(['team-ai-prod']);
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      query: 'team',
      limit: '5',
      includeInactive: 'true',
    });
    await createTestClient().listProjects();
    expect(requests[1].search).toBe('');
  });

  it('lists regions, clusters and billing accounts', async () => {
    server.use(
      http.get(`${baseUrl}/gcp/billing-accounts`, () =>
        HttpResponse.json({
          items: [
            {
              name: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
              displayName: 'Demo',
              open: true,
            },
          ],
        }),
      ),
    );
    const client = createTestClient();
    expect((await client.listRegions())[0]).toEqual({
      id: 'us-east1',
      location: 'South Carolina',
    });
    await expect(
      client.listClusters({
        projectId: 'groundcrew-demo',
        location: 'us-central1',
      }),
    ).resolves.toEqual([demoClusters[0]]);
    expect(requests.at(-1)?.searchParams.get('location')).toBe('us-central1');
    expect(await client.listBillingAccounts()).toHaveLength(1);
  });

  it('lists the clusters of the fleet', async () => {
    await expect(createTestClient().listFleetClusters()).resolves.toEqual(
      demoFleetClusters,
    );
    expect(requests.at(-1)?.pathname).toBe('/api/infra/fleet/clusters');
    expect(requests.at(-1)?.search).toBe('');
  });

  it('throws a ResponseError carrying the backend error', async () => {
    server.use(
      http.get(`${baseUrl}/gcp/projects/:projectId/clusters`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'Listing the GKE clusters of taken-elsewhere: permission denied',
        ),
      ),
    );
    const error = await createTestClient()
      .listClusters({ projectId: 'taken-elsewhere' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe(
      'Listing the GKE clusters of taken-elsewhere: permission denied',
    );
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      createTestClient().listRegions({ signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
  });
});
