import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { deployBoardApiRef, DeployBoardClient } from './api';
import { rootRouteRef } from './routes';

/** @public */
export const deployBoardPlugin = createPlugin({
  id: 'deploy-board',
  apis: [
    createApiFactory({
      api: deployBoardApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DeployBoardClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    entityContent: rootRouteRef,
  },
});

/**
 * The entity tab: the entity's workloads by environment, stage and track, kept live.
 *
 * @public
 */
export const EntityDeployBoardContent = deployBoardPlugin.provide(
  createRoutableExtension({
    name: 'EntityDeployBoardContent',
    component: () =>
      import('./components/DeployBoardContent').then(m => m.DeployBoardContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview card: one line per environment, linking to the tab.
 *
 * @public
 */
export const EntityDeployBoardCard = deployBoardPlugin.provide(
  createComponentExtension({
    name: 'EntityDeployBoardCard',
    component: {
      lazy: () =>
        import('./components/DeployBoardCard').then(m => m.DeployBoardCard),
    },
  }),
);
