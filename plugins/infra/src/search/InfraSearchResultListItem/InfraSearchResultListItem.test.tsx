import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';
import { InfraSearchResultListItem } from './InfraSearchResultListItem';

function doc(d: Partial<InfraSearchDocument>): InfraSearchDocument {
  return {
    title: 'x',
    text: '',
    location: '/catalog/default/component/x',
    kind: 'service',
    entityRef: 'component:default/x',
    owner: 'group:default/team-ai',
    clusters: [],
    environments: [],
    regions: [],
    hostnames: [],
    routes: [],
    project: '',
    version: '',
    clusterClass: '',
    workloads: 0,
    labels: [],
    apis: [],
    status: '',
    authorization: { resourceRef: 'component:default/x' },
    ...d,
  };
}

describe('InfraSearchResultListItem', () => {
  it('shows a service with its clusters, environment, hosts and owner, linking to its page', async () => {
    await renderInTestApp(
      <InfraSearchResultListItem
        result={doc({
          title: 'ai-gateway',
          location: '/catalog/default/component/ai-gateway',
          clusters: ['gke-prod-europe-west1', 'gke-prod-us-east1'],
          environments: ['production'],
          hostnames: ['ai-gateway.gke-prod-us-east1.example.com'],
        })}
      />,
    );
    expect(screen.getByRole('link', { name: 'ai-gateway' })).toHaveAttribute(
      'href',
      '/catalog/default/component/ai-gateway',
    );
    expect(
      screen.getByText(
        'clusters: gke-prod-europe-west1, gke-prod-us-east1 · env: production · hosts: ai-gateway.gke-prod-us-east1.example.com',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Runway service')).toBeInTheDocument();
    expect(screen.getByText('owner: team-ai')).toBeInTheDocument();
  });

  it('shows a cluster with region, version, class and service count', async () => {
    await renderInTestApp(
      <InfraSearchResultListItem
        result={doc({
          kind: 'cluster',
          title: 'gke-ops',
          regions: ['us-central1'],
          version: '1.29.4-gke.100',
          clusterClass: 'pet',
          workloads: 1,
          project: 'groundcrew-demo',
          status: 'ok',
        })}
      />,
    );
    expect(
      screen.getByText(
        'region: us-central1 · version: 1.29.4-gke.100 · class: pet · 1 service · project: groundcrew-demo · state: ok',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Kubernetes cluster')).toBeInTheDocument();
  });

  it('shows a project with labels and APIs, and a Vault path as a name only', async () => {
    await renderInTestApp(
      <>
        <InfraSearchResultListItem
          result={doc({
            kind: 'project',
            title: 'ai-gateway-prod',
            labels: ['environment=production', 'service=ai-gateway', 'team=ai'],
            apis: ['container.googleapis.com', 'run.googleapis.com'],
          })}
        />
        <InfraSearchResultListItem
          result={doc({ kind: 'vault', title: 'secret/ai-gateway/key' })}
        />
      </>,
    );
    expect(
      screen.getByText(
        'labels: environment=production, service=ai-gateway, team=ai · 2 APIs enabled',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('name only: values stay in Vault'),
    ).toBeInTheDocument();
    expect(screen.getByText('Vault path')).toBeInTheDocument();
  });

  it('renders highlighted titles', async () => {
    await renderInTestApp(
      <InfraSearchResultListItem
        result={doc({ title: 'checkout-api' })}
        highlight={{
          preTag: '<b>',
          postTag: '</b>',
          fields: { title: '<b>checkout</b>-api' },
        }}
      />,
    );
    expect(screen.getByText('checkout').tagName).toBe('MARK');
  });
});
