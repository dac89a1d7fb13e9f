import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  errorResponse,
  infraBackendHandlers,
} from '../../__testUtils__/infraBackend';
import { http } from 'msw';
import { renderField } from '../../__testUtils__/renderField';
import { GcpProjectPicker } from './GcpProjectPicker';

const server = setupServer();
registerMswTestHooks(server);

describe('GcpProjectPicker', () => {
  let requests: URL[];
  beforeEach(() => {
    requests = [];
    server.use(...infraBackendHandlers(requests));
  });

  it('searches as you type and reports the chosen project id', async () => {
    const { onChange } = await renderField(GcpProjectPicker, {
      title: 'GCP project',
    });
    const box = screen.getByRole('textbox', { name: /GCP project/ });
    // Keystrokes without a pause between them (a fast typist): none waits for a timer, so however
    // slow the machine, the debounce cannot fire between two of them.
    await userEvent.setup({ delay: null }).type(box, 'check');
    const option = await screen.findByRole('option', {
      name: /Checkout Staging/,
    });
    expect(option).toHaveTextContent('commerce-staging · folders/1003');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('query')).toBe('check'),
    );
    // Debounced: the first (empty) listing and one search, not one per keystroke.
    expect(requests.length).toBeLessThanOrEqual(2);
    await userEvent.click(option);
    expect(onChange).toHaveBeenLastCalledWith('commerce-staging');
    expect(box).toHaveValue('commerce-staging');
  });

  it('says so when nothing matches', async () => {
    await renderField(GcpProjectPicker);
    await userEvent.type(screen.getByRole('textbox'), 'zzz');
    expect(
      await screen.findByText('No project Groundcrew can see matches "zzz"'),
    ).toBeInTheDocument();
  });

  it('shows a value chosen before', async () => {
    await renderField(GcpProjectPicker, { formData: 'groundcrew-demo' });
    expect(screen.getByRole('textbox')).toHaveValue('groundcrew-demo');
  });

  it("shows the backend's error message", async () => {
    server.use(
      http.get(`${baseUrl}/gcp/projects`, () =>
        errorResponse(
          403,
          'NotAllowedError',
          'Searching GCP projects: permission denied',
        ),
      ),
    );
    await renderField(GcpProjectPicker);
    expect(
      await screen.findByText(
        'Could not search the projects: Searching GCP projects: permission denied',
      ),
    ).toBeInTheDocument();
  });
});
