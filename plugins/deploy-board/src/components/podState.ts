import { PodState } from '@groundcrew/plugin-infra-common';

/** How each pod state reads in the legend, the tooltip and the pod panel. */
export const podStateLabels: Record<PodState, string> = {
  ready: 'ready',
  running: 'running, not ready',
  pending: 'pending',
  failed: 'failed',
  succeeded: 'succeeded',
  terminating: 'terminating',
  unknown: 'unknown',
};
