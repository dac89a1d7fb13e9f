import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { DeployBoard } from '@groundcrew/plugin-infra-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { deployBoardApiRef } from '../api';
import { FakeDeployBoardApi, testEntity } from '../testing/FakeDeployBoardApi';
import { syntheticBoard } from '../testing/syntheticBoard';
import { DeployBoardContent } from './DeployBoardContent';

async function renderContent(api: FakeDeployBoardApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[deployBoardApiRef, api]]}>
      <EntityProvider entity={testEntity}>
        <DeployBoardContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const squares = (container: HTMLElement) =>
  container.querySelectorAll('[data-pod]');

describe('DeployBoardContent', () => {
  it('renders a lane per environment with stable and canary tracks and pod squares', async () => {
    const api = new FakeDeployBoardApi(async () =>
      syntheticBoard({ pods: 40 }),
    );
    const { container } = await renderContent(api);

    const production = await screen.findByRole('region', {
      name: 'environment production',
    });
    const staging = screen.getByRole('region', { name: 'environment staging' });
    expect(api.requested).toEqual(['component:default/ai-gateway']);

    for (const lane of [production, staging]) {
      expect(
        within(lane).getByText('stable — 90% of pods'),
      ).toBeInTheDocument();
      const canary = within(lane).getByRole('region', {
        name: 'canary — 10% of pods',
      });
      expect(canary).toHaveAttribute('data-track', 'canary');
      expect(
        within(canary).getByText(
          `gke-${lane.dataset.environment}-a / ai-gateway / ai-gateway-canary`,
        ),
      ).toBeInTheDocument();
    }
    expect(
      within(production).getByText('gke-production-a (europe-west1): ok'),
    ).toBeInTheDocument();
    expect(squares(container)).toHaveLength(40);
    expect(
      container.querySelectorAll('[data-pod][data-pod-state="failed"]').length,
    ).toBeGreaterThan(0);
    expect(within(production).getAllByRole('progressbar').length).toBe(4);
    expect(
      within(production).getAllByText('HelmRelease flux-system/ai-gateway:', {
        exact: false,
      }).length,
    ).toBe(4);
    expect(screen.getByRole('status')).toHaveTextContent('live');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows one shared tooltip with the hovered pod', async () => {
    const board = syntheticBoard({ pods: 40 });
    const api = new FakeDeployBoardApi(async () => board);
    const { container } = await renderContent(api);
    await screen.findByRole('region', { name: 'environment production' });

    const pod =
      board.environments[0].stages[0].tracks[0].deployments[0].pods[2];
    const square = screen.getByRole('option', { name: `${pod.name}: ready` });
    fireEvent.mouseOver(square);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent(pod.name);
    expect(tooltip).toHaveTextContent(`node${pod.node}`);
    expect(tooltip).toHaveTextContent('trackstable');
    expect(tooltip).toHaveTextContent('versionv1.41.0');
    expect(screen.getAllByRole('tooltip')).toHaveLength(1);
    expect(squares(container)).toHaveLength(40);
  });

  it('marks an unreachable cluster with a banner and shows the others normally', async () => {
    const api = new FakeDeployBoardApi(async () =>
      syntheticBoard({
        clusterStates: {
          'gke-production-b': {
            state: 'unreachable',
            lastSeen: '2025-01-01T12:03:00.000Z',
            message: 'connect ECONNREFUSED',
          },
        },
      }),
    );
    await renderContent(api);

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(
      /^cluster gke-production-b unreachable since \d\d:03 — showing what was last seen \(connect ECONNREFUSED\)$/,
    );
    const production = screen.getByRole('region', {
      name: 'environment production',
    });
    expect(within(production).getByRole('alert')).toBe(banner);
    expect(
      within(production).getByText('gke-production-b (us-east1): unreachable'),
    ).toBeInTheDocument();
    const staging = screen.getByRole('region', { name: 'environment staging' });
    expect(within(staging).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says what was looked for when nothing matched', async () => {
    const empty: DeployBoard = {
      ...syntheticBoard(),
      environments: [],
      clusters: [],
      selector: {
        labelSelector: 'runway.gitlab.com/service=ai-gateway',
        namespace: 'ai-gateway',
        clusters: ['gke-a', 'gke-b'],
        source: 'groundcrew.io/runway-service',
      },
    };
    await renderContent(new FakeDeployBoardApi(async () => empty));

    expect(
      await screen.findByText("No workloads match this entity's annotations"),
    ).toBeInTheDocument();
    const selector = screen.getByLabelText('selector');
    expect(selector).toHaveTextContent('runway.gitlab.com/service=ai-gateway');
    expect(selector).toHaveTextContent('groundcrew.io/runway-service');
    expect(selector).toHaveTextContent('namespaceai-gateway');
    expect(selector).toHaveTextContent('gke-a, gke-b');
  });

  it('shows the backend error in an error panel', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotFoundError',
            message: 'No entity component:default/ai-gateway',
          },
          response: { statusCode: 404 },
        }),
        {
          status: 404,
          statusText: 'Not Found',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    const api = new FakeDeployBoardApi(async () => {
      throw error;
    });
    await renderContent(api);

    expect(
      (await screen.findAllByText(/No entity component:default\/ai-gateway/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.getAllByText(/NotFoundError/).length).toBeGreaterThan(0);
    expect(screen.queryByRole('region')).not.toBeInTheDocument();
  });

  it('replaces the board with each one from the stream and shows the connection state', async () => {
    const api = new FakeDeployBoardApi(async () =>
      syntheticBoard({ pods: 40, revision: 1 }),
    );
    const { container } = await renderContent(api);
    await screen.findByRole('region', { name: 'environment production' });
    // A page load's board has no stream event id: the stream starts with the whole board.
    expect(api.streamOptions?.lastEventId).toBeUndefined();
    expect(squares(container)).toHaveLength(40);

    act(() => api.fail(new Error('network'), 1000));
    expect(screen.getByRole('status')).toHaveTextContent('reconnecting…');

    act(() =>
      api.push(
        syntheticBoard({
          pods: 12,
          revision: 2,
          environments: ['production'],
          canaryShare: 0.5,
        }),
      ),
    );
    expect(squares(container)).toHaveLength(12);
    expect(screen.getByText('canary — 50% of pods')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'environment staging' }),
    ).not.toBeInTheDocument();
    expect(screen.getByText(/revision 2/)).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('live');
  });

  it('shows a board that arrives on the stream after a failed first load', async () => {
    const api = new FakeDeployBoardApi(async () => {
      throw new Error('The fleet cache is not warm yet');
    });
    const { container } = await renderContent(api);
    expect(
      (await screen.findAllByText(/The fleet cache is not warm yet/)).length,
    ).toBeGreaterThan(0);
    expect(api.streamOptions?.lastEventId).toBeUndefined();

    act(() => api.push(syntheticBoard({ pods: 8 })));
    expect(squares(container)).toHaveLength(8);
    expect(
      screen.queryByText(/The fleet cache is not warm yet/),
    ).not.toBeInTheDocument();
  });
});
