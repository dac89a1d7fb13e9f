import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { trafficApiRef, TrafficClient } from './api';
import { rootRouteRef } from './routes';

/** @public */
export const trafficPlugin = createPlugin({
  id: 'traffic',
  apis: [
    createApiFactory({
      api: trafficApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new TrafficClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { entityContent: rootRouteRef },
});

/**
 * The entity tab: stable/canary weights per route and cluster, changes with a reason, the history.
 *
 * @public
 */
export const EntityTrafficContent = trafficPlugin.provide(
  createRoutableExtension({
    name: 'EntityTrafficContent',
    component: () =>
      import('./components/TrafficContent').then(m => m.TrafficContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview card: the canary share of each route, linking to the tab.
 *
 * @public
 */
export const EntityTrafficCard = trafficPlugin.provide(
  createComponentExtension({
    name: 'EntityTrafficCard',
    component: {
      lazy: () => import('./components/TrafficCard').then(m => m.TrafficCard),
    },
  }),
);
