/*
 * The anchor side of the board benchmark: the same catalog and permissions as ours, with
 * @backstage/plugin-kubernetes-backend in place of the deploy board.
 */
import { createBackend } from '@backstage/backend-defaults';
import { benchChild, benchRootLogger } from './benchChild';

benchChild();

const backend = createBackend();
backend.add(benchRootLogger());
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.start();
