import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ClusterOverview } from '@groundcrew/plugin-infra-common';
import { baseUrl, errorResponse } from '../__testUtils__/infraBackend';
import {
  catalogServices,
  clusterEntity,
  clusterOverview,
} from '../__testUtils__/infraEntities';
import { renderEntityCard } from '../__testUtils__/renderEntityCard';
import { KubernetesClusterOverviewCard } from './KubernetesClusterOverviewCard';

const server = setupServer();
registerMswTestHooks(server);

describe('KubernetesClusterOverviewCard', () => {
  let requests: URL[];

  function answer(respond: () => Response | Promise<Response>) {
    requests = [];
    server.use(
      http.get(`${baseUrl}/clusters/:name/overview`, req => {
        requests.push(new URL(req.request.url));
        return respond();
      }),
    );
  }

  const render = () =>
    renderEntityCard(<KubernetesClusterOverviewCard />, {
      entity: clusterEntity,
      catalog: [clusterEntity, ...catalogServices],
    });

  it('shows progress while the overview loads', async () => {
    answer(() => new Promise<Response>(() => {}));
    await render();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('asks for the cluster of the annotations, and shows state, version, node pools and workloads', async () => {
    answer(() => HttpResponse.json(clusterOverview));
    await render();
    expect(await screen.findByText(/^reachable/)).toBeInTheDocument();
    expect(requests[0].pathname).toBe(
      '/api/infra/clusters/gke-prod-us-east1/overview',
    );
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      project: 'groundcrew-demo',
      location: 'us-east1',
    });
    expect(screen.getByText('v1.31.4-gke.1000')).toBeInTheDocument();
    expect(screen.getByText('cattle')).toBeInTheDocument();
    const pools = screen.getByRole('table', { name: 'node pools' });
    expect(within(pools).getByText('e2-standard-4')).toBeInTheDocument();
    expect(within(pools).getByText('1–5')).toBeInTheDocument();
    expect(
      screen.getByText('4 of 5 Deployments healthy, in 3 namespaces'),
    ).toBeInTheDocument();
    const unhealthy = screen.getByRole('table', {
      name: 'unhealthy deployments',
    });
    expect(
      within(unhealthy).getByText('checkout-api/checkout-api-canary'),
    ).toBeInTheDocument();
    expect(
      within(unhealthy).getByText('ProgressDeadlineExceeded'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in the Google Cloud console/ }),
    ).toHaveAttribute(
      'href',
      'https://console.cloud.google.com/kubernetes/clusters/details/us-east1/gke-prod-us-east1/details?project=groundcrew-demo',
    );
  });

  it('lists the services on the cluster, by relation and by Runway service, each with its deploy board', async () => {
    answer(() => HttpResponse.json(clusterOverview));
    await render();
    const services = await screen.findByRole('table', { name: 'services' });
    const rows = within(services).getAllByRole('row');
    // ai-gateway has Deployments here; prompt-router depends on the cluster; docs-site neither;
    // checkout-api runs here but has no catalog entity.
    expect(
      rows.map(r => within(r).getAllByRole('link')[0].textContent),
    ).toEqual(['AI Gateway', 'Prompt Router']);
    expect(
      within(rows[0]).getByRole('link', { name: 'AI Gateway' }),
    ).toHaveAttribute('href', '/catalog/default/component/ai-gateway');
    expect(
      within(rows[1]).getByRole('link', { name: 'Deploy board' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/prompt-router/deploy-board',
    );
  });

  it('says so when a cluster is unreachable, and when it is not a GKE cluster', async () => {
    const down: ClusterOverview = {
      ...clusterOverview,
      status: {
        state: 'unreachable',
        lastSeen: '2026-11-29T12:03:00.000Z',
        message: 'API server unreachable: connection refused',
      },
      gke: undefined,
      gkeProblem:
        'GCP is unavailable: could not read GKE cluster gke-prod-us-east1 of project groundcrew-demo',
      workloads: undefined,
    };
    answer(() => HttpResponse.json(down));
    await render();
    expect(
      await screen.findByText(
        /^unreachable since .* — API server unreachable: connection refused$/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(down.gkeProblem!)).toBeInTheDocument();
    expect(
      screen.getByText('Workloads show once the cluster answers.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /Google Cloud console/ }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's reason for an unknown cluster as an empty state", async () => {
    answer(() =>
      errorResponse(
        404,
        'NotFoundError',
        'No cluster named "gke-prod-us-east1" in the fleet or in GKE project groundcrew-demo',
      ),
    );
    await render();
    expect(
      await screen.findByText('Groundcrew does not know this cluster'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No cluster named "gke-prod-us-east1" in the fleet/),
    ).toBeInTheDocument();
  });

  it('shows an error panel when a source is down', async () => {
    answer(() =>
      errorResponse(
        503,
        'ServiceUnavailableError',
        'GCP is unavailable: could not read GKE cluster gke-prod-us-east1 of project groundcrew-demo',
      ),
    );
    await render();
    expect(
      await screen.findByText(/The cluster overview could not be loaded$/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'GCP is unavailable: could not read GKE cluster gke-prod-us-east1 of project groundcrew-demo',
      ),
    ).toBeInTheDocument();
  });

  it('says plainly when the permission policy keeps the cluster from the viewer', async () => {
    answer(() =>
      errorResponse(
        403,
        'NotAllowedError',
        'You may not see the overview of cluster gke-prod-us-east1: reading resource:default/gke-prod-us-east1 is not allowed (permission catalog.entity.read)',
      ),
    );
    await render();
    expect(
      await screen.findByText(/You may not see this cluster$/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/permission catalog\.entity\.read/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Node pools')).not.toBeInTheDocument();
  });
});
