import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
  TestApiRegistry,
} from '@backstage/test-utils';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { infraApiRef } from '../../api';
import {
  baseUrl,
  createTestClient,
  errorResponse,
  infraBackendHandlers,
} from '../../__testUtils__/infraBackend';
import { GcpProjectIdPicker } from './GcpProjectIdPicker';
import { gcpProjectIdValidation } from './validation';

const server = setupServer();
registerMswTestHooks(server);

type Validation = Parameters<typeof gcpProjectIdValidation>[1];

async function validate(value: string, allowExisting?: boolean) {
  const errors: string[] = [];
  const validation = {
    __errors: errors,
    addError: (message: string) => errors.push(message),
  } as unknown as Validation;
  await gcpProjectIdValidation(value, validation, {
    apiHolder: TestApiRegistry.from([infraApiRef, createTestClient()]),
    formData: {},
    schema: {},
    uiSchema:
      allowExisting === undefined ? {} : { 'ui:options': { allowExisting } },
  });
  return errors;
}

describe('gcpProjectIdValidation', () => {
  beforeEach(() => server.use(...infraBackendHandlers()));

  it('accepts a free id', async () => {
    expect(await validate('team-ai-new')).toEqual([]);
  });

  it("refuses an id that breaks GCP's rule", async () => {
    expect(await validate('9lives')).toEqual([
      'The project id must start with a lower-case letter',
    ]);
  });

  it('refuses a taken id unless the template adopts existing projects', async () => {
    expect(await validate('groundcrew-demo')).toEqual([
      'groundcrew-demo is already taken by Groundcrew Demo (folders/1001)',
    ]);
    expect(await validate('groundcrew-demo', true)).toEqual([]);
  });

  it("refuses, with the backend's reason, when it cannot check", async () => {
    server.use(
      http.get(`${baseUrl}/gcp/projects/:projectId/availability`, () =>
        errorResponse(401, 'AuthenticationError', 'Missing credentials'),
      ),
    );
    expect(await validate('team-ai-new')).toEqual([
      'Could not check whether team-ai-new is free: Missing credentials',
    ]);
  });

  describe('in the wizard', () => {
    // The stepper scrolls to the top on every step; jsdom has no scrolling.
    beforeEach(() => {
      jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
    });

    async function renderWizard() {
      await renderInTestApp(
        <TestApiProvider apis={[[infraApiRef, createTestClient()]]}>
          <Stepper
            manifest={{
              title: 'New GCP project',
              steps: [
                {
                  title: 'Project',
                  schema: {
                    required: ['projectId'],
                    properties: {
                      projectId: {
                        type: 'string',
                        title: 'Project id',
                        'ui:field': 'GcpProjectIdPicker',
                      },
                    },
                  },
                },
              ],
            }}
            extensions={[
              {
                name: 'GcpProjectIdPicker',
                component: GcpProjectIdPicker,
                validation: gcpProjectIdValidation,
              },
            ]}
            onCreate={jest.fn()}
          />
        </TestApiProvider>,
      );
      return screen.getByRole('textbox', { name: /Project id/ });
    }

    it('stops at Next with the reason under the field', async () => {
      await userEvent.type(await renderWizard(), 'groundcrew-demo');
      await userEvent.click(screen.getByRole('button', { name: 'Review' }));
      expect(
        await screen.findAllByText(
          /groundcrew-demo is already taken by Groundcrew Demo \(folders\/1001\)/,
        ),
      ).not.toHaveLength(0);
      // Still on the form: the review step never came.
      expect(
        screen.getByRole('textbox', { name: /Project id/ }),
      ).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
    });

    it('goes on to the review with a free id', async () => {
      await userEvent.type(await renderWizard(), 'team-ai-new');
      await userEvent.click(screen.getByRole('button', { name: 'Review' }));
      expect(
        await screen.findByRole('button', { name: 'Create' }),
      ).toBeInTheDocument();
    });
  });
});
