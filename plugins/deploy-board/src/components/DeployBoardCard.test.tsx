import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { deployBoardApiRef } from '../api';
import { FakeDeployBoardApi, testEntity } from '../testing/FakeDeployBoardApi';
import { syntheticBoard } from '../testing/syntheticBoard';
import { DeployBoardCard } from './DeployBoardCard';

describe('DeployBoardCard', () => {
  it('summarises each environment and links to the tab', async () => {
    const board = syntheticBoard({
      pods: 100,
      clusterStates: { 'gke-staging-a': { state: 'stale' } },
    });
    board.environments[1].stages[0].tracks[1].deployments[0].rollout =
      'stalled';
    const api = new FakeDeployBoardApi(async () => board);
    await renderInTestApp(
      <TestApiProvider apis={[[deployBoardApiRef, api]]}>
        <EntityProvider entity={testEntity}>
          <DeployBoardCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    const rows = await screen.findAllByRole('row');
    expect(rows).toHaveLength(3);
    const production = rows[1];
    expect(production).toHaveAttribute('data-environment', 'production');
    expect(within(production).getByText('10%')).toBeInTheDocument();
    expect(within(production).getByText('progressing')).toBeInTheDocument();
    const staging = rows[2];
    expect(within(staging).getByText('stalled')).toBeInTheDocument();
    expect(
      within(staging).getByText('gke-staging-a stale'),
    ).toBeInTheDocument();
    const deployments = board.environments[0].stages[0].tracks.flatMap(
      t => t.deployments,
    );
    const ready = deployments.reduce((n, d) => n + d.ready, 0);
    const updated = deployments.reduce((n, d) => n + d.updated, 0);
    expect(
      within(production).getByText(`${ready} / 50 ready · ${updated} updated`),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open the deploy board/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/ai-gateway/deploy-board',
    );
  });

  it('says so when nothing matches', async () => {
    const api = new FakeDeployBoardApi(async () => ({
      ...syntheticBoard(),
      environments: [],
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[deployBoardApiRef, api]]}>
        <EntityProvider entity={testEntity}>
          <DeployBoardCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText(/No workloads match this entity's annotations/),
    ).toBeInTheDocument();
  });
});
