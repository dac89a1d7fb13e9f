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
import { GcpRegionPicker } from './GcpRegionPicker';

const server = setupServer();
registerMswTestHooks(server);

describe('GcpRegionPicker', () => {
  beforeEach(() => server.use(...infraBackendHandlers()));

  it('offers the regions with their names and reports the chosen id', async () => {
    const { onChange } = await renderField(GcpRegionPicker, {
      title: 'Region',
    });
    const select = screen.getByRole('button', { name: /Region/ });
    await waitFor(() => expect(select).not.toHaveAttribute('aria-disabled'));
    await userEvent.click(select);
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'us-east1 (South Carolina)',
      'europe-west1 (Belgium)',
      'us-central1 (Iowa)',
    ]);
    await userEvent.click(options[1]);
    expect(onChange).toHaveBeenLastCalledWith('europe-west1');
  });

  it('says so while loading, keeping a default value', async () => {
    server.use(
      http.get(`${baseUrl}/gcp/regions`, async () => {
        await new Promise(r => setTimeout(r, 200));
        return HttpResponse.json({
          items: [{ id: 'us-east1', location: 'South Carolina' }],
        });
      }),
    );
    await renderField(GcpRegionPicker, { formData: 'us-east1' });
    expect(screen.getByText('Loading regions…')).toBeInTheDocument();
    expect(
      await screen.findByText('us-east1 (South Carolina)'),
    ).toBeInTheDocument();
  });

  it('says so when no region is offered', async () => {
    server.use(
      http.get(`${baseUrl}/gcp/regions`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderField(GcpRegionPicker);
    expect(
      await screen.findByText(
        'No region is offered: ask the platform team (groundcrew.gcp.regions)',
      ),
    ).toBeInTheDocument();
  });

  it('flags a value that is not offered', async () => {
    await renderField(GcpRegionPicker, { formData: 'asia-east1' });
    expect(
      await screen.findByText('asia-east1 is not among the regions offered'),
    ).toBeInTheDocument();
  });

  it("shows the backend's error message", async () => {
    server.use(
      http.get(`${baseUrl}/gcp/regions`, () =>
        errorResponse(500, 'Error', 'groundcrew.gcp is not configured'),
      ),
    );
    await renderField(GcpRegionPicker);
    expect(
      await screen.findByText(
        'Could not load the regions: groundcrew.gcp is not configured',
      ),
    ).toBeInTheDocument();
  });
});
