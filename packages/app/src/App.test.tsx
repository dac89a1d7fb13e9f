import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  function withConfig(auth: object = {}) {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Groundcrew' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
            auth,
          },
          context: 'test',
        },
      ] as any,
    };
  }

  it('renders the Groundcrew sign-in page with the guest provider and single sign-on', async () => {
    withConfig({ environment: 'development' });

    render(<App />);

    expect(await screen.findByText('Groundcrew')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Enter' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Single sign-on')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign In' })).toBeInTheDocument();
  });
});
