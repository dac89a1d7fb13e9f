import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { EntitySecretsStatus } from '@groundcrew/plugin-infra-common';
import { VaultSecretsApi, vaultSecretsApiRef } from '../api';
import { SecretsCard } from './SecretsCard';
import { SecretsContent } from './SecretsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-api',
    namespace: 'default',
    annotations: { 'groundcrew.io/vault-path': 'secret/checkout-api' },
  },
  spec: { type: 'service', owner: 'team-commerce', lifecycle: 'production' },
};

function status(
  overrides: Partial<EntitySecretsStatus> = {},
): EntitySecretsStatus {
  return {
    entityRef: 'component:default/checkout-api',
    vault: {
      state: 'ok',
      version: '1.17.6',
      tokenTtlSeconds: 86400 * 30,
      tokenRenewable: true,
    },
    paths: ['secret/checkout-api'],
    leasePrefixes: ['database/creds/checkout-api'],
    secrets: [
      {
        mount: 'secret',
        path: 'checkout-api/stripe-key',
        currentVersion: 2,
        versionCount: 2,
        destroyedVersions: [1],
        deletedVersions: [],
        lastRotated: '2026-10-15T10:00:00.000Z',
        ageSeconds: 45 * 86400,
        rotationPeriodSeconds: 30 * 86400,
        rotationSource: 'custom_metadata',
        status: 'overdue',
        owner: 'team-commerce',
        uiUrl:
          'https://vault.example.com/ui/vault/secrets/secret/kv/checkout-api%2Fstripe-key/details',
        podsNeedingRestart: [
          {
            cluster: 'gke-prod-us-east1',
            namespace: 'checkout-api',
            name: 'checkout-api-abc12',
            startedAt: '2026-10-01T00:00:00Z',
            file: 'stripe',
          },
        ],
      },
    ],
    leases: [
      {
        id: 'database/creds/checkout-api/abc',
        prefix: 'database/creds/checkout-api',
        ttlSeconds: 1200,
        renewable: true,
      },
    ],
    counts: { fresh: 0, due: 0, overdue: 1, deleted: 0, destroyed: 0 },
    truncated: false,
    problems: [],
    generatedAt: '2026-11-29T10:00:00.000Z',
    ...overrides,
  };
}

async function render(api: VaultSecretsApi, element = <SecretsContent />) {
  return renderInTestApp(
    <TestApiProvider apis={[[vaultSecretsApiRef, api]]}>
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

describe('SecretsContent', () => {
  it('shows each secret with its status, age, policy, Vault link and pods to restart', async () => {
    await render({ getStatus: async () => status() });
    const row = (
      await screen.findByText('secret/checkout-api/stripe-key')
    ).closest('tr')!;
    expect(
      within(row).getByText('overdue').closest('[data-status]'),
    ).toHaveAttribute('data-status', 'overdue');
    expect(within(row).getByText('45d')).toBeInTheDocument();
    expect(within(row).getByText('every 30d')).toBeInTheDocument();
    expect(
      within(row).getByText(/restart needed: checkout-api-abc12/),
    ).toBeInTheDocument();
    expect(within(row).getByRole('link')).toHaveAttribute(
      'href',
      expect.stringContaining('/ui/vault/secrets/secret/kv/'),
    );
    expect(screen.getByTestId('secret-counts')).toHaveTextContent(
      '1 overdue · 0 due · 0 fresh · 1 pod(s) need a restart',
    );
    expect(
      screen.getByText('database/creds/checkout-api/abc'),
    ).toBeInTheDocument();
  });

  it('says Vault is sealed or unreachable instead of a table', async () => {
    await render({
      getStatus: async () =>
        status({
          vault: { state: 'sealed', message: 'Vault is sealed' },
          secrets: [],
        }),
    });
    expect(await screen.findByText(/Vault is sealed/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('has states for not configured, empty and permission denied', async () => {
    const { unmount } = await render({
      getStatus: async () => status({ vault: { state: 'not-configured' } }),
    });
    expect(
      await screen.findByText('Vault is not configured'),
    ).toBeInTheDocument();
    unmount();
    const second = await render({
      getStatus: async () =>
        status({
          secrets: [],
          counts: { fresh: 0, due: 0, overdue: 0, deleted: 0, destroyed: 0 },
        }),
    });
    expect(await screen.findByText('No secrets')).toBeInTheDocument();
    second.unmount();
    const denied = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'no' },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(denied);
    await render({ getStatus: async () => Promise.reject(error) });
    expect(await screen.findByText(/Permission denied/)).toBeInTheDocument();
  });
});

describe('SecretsCard', () => {
  it('counts overdue secrets and pods to restart', async () => {
    await render({ getStatus: async () => status() }, <SecretsCard />);
    expect(
      await screen.findByText(/1 pod\(s\) run on an older secret version/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('secret/checkout-api/stripe-key'),
    ).toBeInTheDocument();
  });
});
