import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { teleportAccessApiRef, TeleportAccessClient } from './api';
import { rootRouteRef } from './routes';

/** @public */
export const teleportAccessPlugin = createPlugin({
  id: 'teleport-access',
  apis: [
    createApiFactory({
      api: teleportAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new TeleportAccessClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { entityContent: rootRouteRef },
});

/**
 * The Access tab: what the user may do in the entity's namespaces now, a request for write access
 * (reason, duration), their requests with the time left, and a reviewer's queue.
 *
 * @public
 */
export const EntityTeleportAccessContent = teleportAccessPlugin.provide(
  createRoutableExtension({
    name: 'EntityTeleportAccessContent',
    component: () =>
      import('./components/AccessContent').then(m => m.AccessContent),
    mountPoint: rootRouteRef,
  }),
);
