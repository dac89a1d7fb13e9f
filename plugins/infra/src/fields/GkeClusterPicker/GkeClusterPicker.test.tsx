import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  errorResponse,
  infraBackendHandlers,
} from '../../__testUtils__/infraBackend';
import { renderField } from '../../__testUtils__/renderField';
import { GkeClusterPicker } from './GkeClusterPicker';

const server = setupServer();

/** The select, once the clusters are in (it is disabled until then). */
async function enabledSelect() {
  const select = screen.getByRole('button');
  await waitFor(() => expect(select).not.toHaveAttribute('aria-disabled'));
  return select;
}
registerMswTestHooks(server);

describe('GkeClusterPicker', () => {
  let requests: URL[];
  beforeEach(() => {
    requests = [];
    server.use(...infraBackendHandlers(requests));
  });

  it('asks for the project first', async () => {
    await renderField(GkeClusterPicker, { formContext: { formData: {} } });
    expect(
      screen.getByText('Choose the GCP project first'),
    ).toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  it('lists the clusters of the project in the projectId field', async () => {
    const { onChange } = await renderField(GkeClusterPicker, {
      title: 'Cluster',
      formContext: { formData: { projectId: 'groundcrew-demo' } },
    });
    await userEvent.click(await enabledSelect());
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'gke-ops (us-central1)',
      'gke-prod-europe-west1 (europe-west1)',
      'gke-prod-us-east1 (us-east1)',
    ]);
    await userEvent.click(options[0]);
    expect(onChange).toHaveBeenLastCalledWith('gke-ops');
  });

  it('reads the project and location from the fields named in ui:options', async () => {
    await renderField(GkeClusterPicker, {
      uiOptions: { projectField: 'target.project', locationField: 'region' },
      formContext: {
        formData: {
          target: { project: 'groundcrew-demo' },
          region: 'europe-west1',
        },
      },
    });
    await userEvent.click(await enabledSelect());
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'gke-prod-europe-west1 (europe-west1)',
    ]);
    expect(requests[0].pathname).toBe(
      '/api/infra/gcp/projects/groundcrew-demo/clusters',
    );
    expect(requests[0].searchParams.get('location')).toBe('europe-west1');
  });

  it('says so when the project has no cluster, and drops a cluster of another project', async () => {
    const { onChange } = await renderField(GkeClusterPicker, {
      formData: 'gke-ops',
      formContext: { formData: { projectId: 'team-ai-prod' } },
    });
    expect(
      await screen.findByText('team-ai-prod has no GKE cluster'),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalledWith(undefined);
  });

  it("shows the backend's error message", async () => {
    server.use(
      http.get(`${baseUrl}/gcp/projects/:projectId/clusters`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'Listing the GKE clusters of taken-elsewhere: permission denied',
        ),
      ),
    );
    await renderField(GkeClusterPicker, {
      formContext: { formData: { projectId: 'taken-elsewhere' } },
    });
    expect(
      await screen.findByText(
        'Could not list the clusters of taken-elsewhere: Listing the GKE clusters of taken-elsewhere: permission denied',
      ),
    ).toBeInTheDocument();
  });
});
