/*
 * Groundcrew's side of the board benchmark: the catalog, permissions (allow-all) and the deploy
 * board fed by the watch cache. Config comes from the `--config` file the bench writes.
 */
import { kubernetesFleetServiceFactory } from '@groundcrew/plugin-infra-node';
import { createBenchBackend } from './benchChild';

const backend = createBenchBackend();
backend.add(kubernetesFleetServiceFactory);
backend.add(import('@groundcrew/plugin-deploy-board-backend'));
backend.start();
