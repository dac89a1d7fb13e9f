/*
 * Groundcrew's side of the board benchmark: the catalog, permissions (allow-all) and the deploy
 * board fed by the watch cache. Config comes from the `--config` file the bench writes.
 */
import { createBackend } from '@backstage/backend-defaults';
import { kubernetesFleetServiceFactory } from '@groundcrew/plugin-infra-node';
import { benchChild, benchRootLogger } from './benchChild';

benchChild();

const backend = createBackend();
backend.add(benchRootLogger());
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(kubernetesFleetServiceFactory);
backend.add(import('@groundcrew/plugin-deploy-board-backend'));
backend.start();
