import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import {
  baseUrl,
  errorResponse,
  infraBackendHandlers,
} from '../../__testUtils__/infraBackend';
import { renderField } from '../../__testUtils__/renderField';
import { GcpProjectIdPicker } from './GcpProjectIdPicker';

const server = setupServer();
registerMswTestHooks(server);

describe('GcpProjectIdPicker', () => {
  let requests: URL[];
  beforeEach(() => {
    requests = [];
    server.use(...infraBackendHandlers(requests));
  });

  const input = () => screen.getByRole('textbox');

  it('formats as you type and checks the id once typing stops', async () => {
    const { onChange } = await renderField(GcpProjectIdPicker, {
      title: 'Project id',
    });
    await userEvent.type(input(), 'AI Gateway Prod');
    expect(input()).toHaveValue('ai-gateway-prod');
    expect(onChange).toHaveBeenLastCalledWith('ai-gateway-prod');
    expect(screen.getByText('checking…')).toBeInTheDocument();
    expect(await screen.findByText('available')).toBeInTheDocument();
    // Debounced: one request for the whole word, not one per keystroke.
    expect(requests.map(u => u.pathname)).toEqual([
      '/api/infra/gcp/projects/ai-gateway-prod/availability',
    ]);
    expect(input()).toHaveAttribute('aria-invalid', 'false');
  });

  it("shows the rule's problem at once, without asking the backend", async () => {
    await renderField(GcpProjectIdPicker);
    await userEvent.type(input(), 'team-');
    expect(
      screen.getByText(
        'The project id must be 6 to 30 characters long (it has 5)',
      ),
    ).toBeInTheDocument();
    await userEvent.type(input(), 'ai-');
    expect(
      screen.getByText('The project id must not end with a hyphen'),
    ).toBeInTheDocument();
    expect(input()).toHaveAttribute('aria-invalid', 'true');
    await new Promise(r => setTimeout(r, 500));
    expect(requests).toEqual([]);
  });

  it('says who has a taken id', async () => {
    await renderField(GcpProjectIdPicker, { formData: 'groundcrew-demo' });
    expect(
      await screen.findByText(
        'already taken by Groundcrew Demo (folders/1001)',
      ),
    ).toBeInTheDocument();
    expect(input()).toHaveAttribute('aria-invalid', 'true');
  });

  it("is not red for the last Next's errors once the id typed since is free", async () => {
    // The wizard keeps the errors of the refused Next until the next one.
    await renderField(GcpProjectIdPicker, {
      formData: 'groundcrew-demo',
      rawErrors: ['groundcrew-demo is already taken by Groundcrew Demo'],
    });
    await screen.findByText('already taken by Groundcrew Demo (folders/1001)');
    expect(input()).toHaveAttribute('aria-invalid', 'true');
    await userEvent.clear(input());
    await userEvent.type(input(), 'team-ai-sandbox');
    expect(await screen.findByText('available')).toBeInTheDocument();
    expect(input()).toHaveAttribute('aria-invalid', 'false');
  });

  it('only warns about a taken id when the template adopts existing projects', async () => {
    await renderField(GcpProjectIdPicker, {
      formData: 'groundcrew-demo',
      uiOptions: { allowExisting: true },
    });
    expect(
      await screen.findByText(
        'already taken by Groundcrew Demo (folders/1001): the template adopts this existing project',
      ),
    ).toBeInTheDocument();
    expect(input()).toHaveAttribute('aria-invalid', 'false');
  });

  it("shows the backend's error message", async () => {
    server.use(
      http.get(`${baseUrl}/gcp/projects/:projectId/availability`, () =>
        errorResponse(
          503,
          'ServiceUnavailableError',
          'Reading GCP project team-ai-new: quota exceeded (gave up after 5 attempts)',
        ),
      ),
    );
    await renderField(GcpProjectIdPicker, { formData: 'team-ai-new' });
    expect(
      await screen.findByText(
        'Could not check whether team-ai-new is free: Reading GCP project team-ai-new: quota exceeded (gave up after 5 attempts)',
      ),
    ).toBeInTheDocument();
  });

  it('clears the value when the box is emptied', async () => {
    const { onChange } = await renderField(GcpProjectIdPicker, {
      formData: 'team-ai-new',
    });
    await userEvent.clear(input());
    expect(onChange).toHaveBeenLastCalledWith(undefined);
    await waitFor(() =>
      expect(
        screen.getByText(/6 to 30 characters: lower-case letters/),
      ).toBeInTheDocument(),
    );
  });
});
