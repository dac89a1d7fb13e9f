import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  errorResponse,
  infraBackendHandlers,
} from '../../__testUtils__/infraBackend';
import { renderField } from '../../__testUtils__/renderField';
import { FleetClusterPicker } from './FleetClusterPicker';

const server = setupServer();
registerMswTestHooks(server);

/** The select, once the clusters are in (it is disabled until then). */
async function enabledSelect() {
  const select = screen.getByRole('button');
  await waitFor(() => expect(select).not.toHaveAttribute('aria-disabled'));
  return select;
}

describe('FleetClusterPicker', () => {
  let requests: URL[];
  beforeEach(() => {
    requests = [];
    server.use(...infraBackendHandlers(requests));
  });

  it('says it is loading until the clusters are in', async () => {
    let answer: () => void = () => {};
    const answered = new Promise<void>(resolve => {
      answer = resolve;
    });
    server.use(
      http.get(`${baseUrl}/fleet/clusters`, async () => {
        await answered;
        return HttpResponse.json({ items: [] });
      }),
    );
    await renderField(FleetClusterPicker);
    expect(
      screen.getByText('Loading the clusters of the fleet…'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button')).toHaveAttribute('aria-disabled');
    answer();
    expect(
      await screen.findByText('No clusters in the fleet'),
    ).toBeInTheDocument();
  });

  it('lists the clusters of the fleet with their environment and region', async () => {
    const { onChange } = await renderField(FleetClusterPicker, {
      title: 'Cluster',
      description: 'Where the service runs',
    });
    await userEvent.click(await enabledSelect());
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'gke-ops (ops, us-central1)',
      'gke-prod-europe-west1 (production, europe-west1)',
      'gke-prod-us-east1 (production, us-east1)',
      'gke-team-ai-dev',
    ]);
    await userEvent.click(options[2]);
    expect(onChange).toHaveBeenLastCalledWith('gke-prod-us-east1');
    expect(screen.getByText('Where the service runs')).toBeInTheDocument();
    expect(requests.map(r => r.pathname)).toEqual([
      '/api/infra/fleet/clusters',
    ]);
  });

  it('narrows to the environment of ui:options and drops a value outside it', async () => {
    const { onChange } = await renderField(FleetClusterPicker, {
      formData: 'gke-ops',
      uiOptions: { environment: 'production' },
    });
    await userEvent.click(await enabledSelect());
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'gke-prod-europe-west1 (production, europe-west1)',
      'gke-prod-us-east1 (production, us-east1)',
    ]);
    expect(onChange).toHaveBeenCalledWith(undefined);
  });

  it('narrows to the region in the field of ui:options.regionField', async () => {
    await renderField(FleetClusterPicker, {
      uiOptions: { regionField: 'gke.region' },
      formContext: { formData: { gke: { region: 'europe-west1' } } },
    });
    await userEvent.click(await enabledSelect());
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'gke-prod-europe-west1 (production, europe-west1)',
    ]);
  });

  it('names the environment and region when none of the fleet is there', async () => {
    await renderField(FleetClusterPicker, {
      uiOptions: { environment: 'production', regionField: 'region' },
      formContext: { formData: { region: 'me-central2' } },
    });
    expect(
      await screen.findByText(
        'No production cluster in the fleet in me-central2',
      ),
    ).toBeInTheDocument();
  });

  it('keeps a value that is in the fleet', async () => {
    const { onChange } = await renderField(FleetClusterPicker, {
      formData: 'gke-prod-us-east1',
    });
    expect(await enabledSelect()).toHaveTextContent(
      'gke-prod-us-east1 (production, us-east1)',
    );
    expect(onChange).not.toHaveBeenCalled();
  });

  it('says so when the fleet has no cluster', async () => {
    server.use(
      http.get(`${baseUrl}/fleet/clusters`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderField(FleetClusterPicker);
    expect(
      await screen.findByText('No clusters in the fleet'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button')).toHaveAttribute('aria-disabled');
  });

  it('says so when no cluster is in the environment asked for', async () => {
    await renderField(FleetClusterPicker, {
      uiOptions: { environment: 'staging' },
    });
    expect(
      await screen.findByText('No staging cluster in the fleet'),
    ).toBeInTheDocument();
  });

  it("shows the backend's error message", async () => {
    server.use(
      http.get(`${baseUrl}/fleet/clusters`, () =>
        errorResponse(503, 'ServiceUnavailableError', 'The fleet is starting'),
      ),
    );
    await renderField(FleetClusterPicker);
    expect(
      await screen.findByText(
        'Could not list the clusters of the fleet: The fleet is starting',
      ),
    ).toBeInTheDocument();
  });
});
