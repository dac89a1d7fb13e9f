import { attachComponentData } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { Outlet, Route, Routes } from 'react-router-dom';
import { deployBoardApiRef } from '../api';
import { EntityDeployBoardContent } from '../plugin';
import { FakeDeployBoardApi, testEntity } from '../testing/FakeDeployBoardApi';
import { syntheticBoard } from '../testing/syntheticBoard';
import { DeployBoardCard } from './DeployBoardCard';

/** The catalog's entity page as the app mounts it: entity route, overview, and tabs below it. */
function EntityPage() {
  return <Outlet />;
}
attachComponentData(EntityPage, 'core.mountPoint', entityRouteRef);

/** Renders the card on an entity's overview, with the deploy board tab at `tabPath` (if any). */
async function renderOnEntityPage(api: FakeDeployBoardApi, tabPath?: string) {
  const card = (
    <TestApiProvider apis={[[deployBoardApiRef, api]]}>
      <EntityProvider entity={testEntity}>
        <DeployBoardCard />
      </EntityProvider>
    </TestApiProvider>
  );
  return renderInTestApp(
    <Routes>
      <Route path="/catalog/:namespace/:kind/:name" element={<EntityPage />}>
        <Route index element={card} />
        {tabPath && (
          <Route path={tabPath} element={<EntityDeployBoardContent />} />
        )}
      </Route>
    </Routes>,
    { routeEntries: ['/catalog/default/component/ai-gateway'] },
  );
}

describe('DeployBoardCard', () => {
  it('links to the tab where the app mounts it, from the route ref', async () => {
    const api = new FakeDeployBoardApi(async () => syntheticBoard());
    await renderOnEntityPage(api, 'deployments');
    expect(
      await screen.findByRole('link', { name: /Open the deploy board/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/ai-gateway/deployments',
    );
  });

  it('shows no link, and no error, on a page without the tab', async () => {
    const api = new FakeDeployBoardApi(async () => syntheticBoard());
    await renderOnEntityPage(api);
    expect(await screen.findAllByRole('row')).not.toHaveLength(0);
    expect(
      screen.queryByRole('link', { name: /Open the deploy board/ }),
    ).not.toBeInTheDocument();
  });

  it('summarises each environment and links to the tab', async () => {
    const board = syntheticBoard({
      pods: 100,
      clusterStates: { 'gke-staging-a': { state: 'stale' } },
    });
    board.environments[1].stages[0].tracks[1].deployments[0].rollout =
      'stalled';
    const api = new FakeDeployBoardApi(async () => board);
    await renderOnEntityPage(api, 'deploy-board');

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
    await renderOnEntityPage(api, 'deploy-board');
    expect(
      await screen.findByText(/No workloads match this entity's annotations/),
    ).toBeInTheDocument();
  });
});
