import { screen } from '@testing-library/react';
import { configApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { oidcAuthApiRef } from '../../apis';
import { GroundcrewSignInPage } from './GroundcrewSignInPage';

async function renderFor(environment: string) {
  const config = mockApis.config({
    data: {
      app: { title: 'Groundcrew' },
      backend: { baseUrl: 'http://localhost:7007' },
      auth: { environment },
    },
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, config],
        [discoveryApiRef, mockApis.discovery()],
        [oidcAuthApiRef, {}],
      ]}
    >
      <GroundcrewSignInPage onSignInSuccess={jest.fn()} />
    </TestApiProvider>,
  );
}

describe('GroundcrewSignInPage', () => {
  beforeEach(() => localStorage.clear());

  it('offers guest and single sign-on in development', async () => {
    await renderFor('development');
    expect(
      await screen.findByRole('button', { name: 'Enter' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Single sign-on')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign In' })).toBeInTheDocument();
  });

  it('offers single sign-on alone in production, where the backend refuses guests', async () => {
    await renderFor('production');
    expect(
      await screen.findByRole('button', { name: 'Sign In' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });
});
