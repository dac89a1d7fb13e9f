/*
 * The anchor side of the board benchmark: the same catalog and permissions as ours, with
 * @backstage/plugin-kubernetes-backend in place of the deploy board.
 */
import { createBenchBackend } from './benchChild';

const backend = createBenchBackend();
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.start();
