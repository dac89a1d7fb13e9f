import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { baseUrl, errorResponse } from '../__testUtils__/infraBackend';
import { projectEntity, projectOverview } from '../__testUtils__/infraEntities';
import { renderEntityCard } from '../__testUtils__/renderEntityCard';
import { GcpProjectOverviewCard } from './GcpProjectOverviewCard';

const server = setupServer();
registerMswTestHooks(server);

describe('GcpProjectOverviewCard', () => {
  function answer(respond: () => Response | Promise<Response>) {
    server.use(
      http.get(`${baseUrl}/gcp/projects/:projectId/overview`, req =>
        req.params.projectId === 'groundcrew-demo'
          ? respond()
          : errorResponse(400, 'InputError', 'wrong project asked'),
      ),
    );
  }

  const render = () =>
    renderEntityCard(<GcpProjectOverviewCard />, { entity: projectEntity });

  it('shows progress while the overview loads', async () => {
    answer(() => new Promise<Response>(() => {}));
    await render();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows parent, billing, labels and enabled APIs, and links to the console', async () => {
    answer(() => HttpResponse.json(projectOverview));
    await render();
    expect(
      await screen.findByText('platform (folders/1001)'),
    ).toBeInTheDocument();
    expect(screen.getByText('310245688412')).toBeInTheDocument();
    expect(
      screen.getByText('billingAccounts/01A2B3-C4D5E6-F7A8B9 (enabled)'),
    ).toBeInTheDocument();
    const labels = screen.getByLabelText('labels');
    expect(
      within(labels)
        .getAllByText(/: /)
        .map(l => l.textContent),
    ).toEqual(['environment: production', 'team: platform']);
    expect(screen.getByText('Enabled APIs (2)')).toBeInTheDocument();
    expect(
      within(screen.getByLabelText('enabled APIs')).getByText(
        'container.googleapis.com',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in the Google Cloud console/ }),
    ).toHaveAttribute(
      'href',
      'https://console.cloud.google.com/home/dashboard?project=groundcrew-demo',
    );
  });

  it('says when billing is not linked and there are no labels', async () => {
    answer(() =>
      HttpResponse.json({
        ...projectOverview,
        project: { ...projectOverview.project, labels: {} },
        billing: { billingEnabled: false },
        enabledApis: [],
      }),
    );
    await render();
    expect(
      await screen.findByText('not linked to a billing account'),
    ).toBeInTheDocument();
    expect(screen.getByText('No labels.')).toBeInTheDocument();
    expect(screen.getByText('No APIs enabled.')).toBeInTheDocument();
  });

  it("shows the backend's reason for an unknown project, and an error panel when GCP is down", async () => {
    answer(() =>
      errorResponse(
        404,
        'NotFoundError',
        'GCP project groundcrew-demo does not exist or Groundcrew may not see it',
      ),
    );
    const first = await render();
    expect(
      await screen.findByText('GCP does not show this project'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/does not exist or Groundcrew may not see it/),
    ).toBeInTheDocument();
    first.unmount();

    answer(() =>
      errorResponse(
        503,
        'ServiceUnavailableError',
        'GCP is unavailable: could not read project groundcrew-demo',
      ),
    );
    await render();
    expect(
      await screen.findByText(/The project overview could not be loaded$/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'GCP is unavailable: could not read project groundcrew-demo',
      ),
    ).toBeInTheDocument();
  });

  it('says plainly when the permission policy keeps the project from the viewer', async () => {
    answer(() =>
      errorResponse(
        403,
        'NotAllowedError',
        'You may not see the overview of GCP project groundcrew-demo: reading resource:default/groundcrew-demo is not allowed (permission catalog.entity.read)',
      ),
    );
    await render();
    expect(
      await screen.findByText(/You may not see this project$/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/permission catalog\.entity\.read/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('enabled APIs')).not.toBeInTheDocument();
  });
});
