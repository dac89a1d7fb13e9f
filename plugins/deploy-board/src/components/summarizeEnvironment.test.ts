import { syntheticBoard } from '../testing/syntheticBoard';
import { summarizeEnvironment } from './summarizeEnvironment';

describe('summarizeEnvironment', () => {
  it('adds up deployments, takes the worst rollout and the canary share', () => {
    const board = syntheticBoard({
      pods: 200,
      clusterStates: { 'gke-production-b': { state: 'unreachable' } },
    });
    board.environments[0].stages[0].tracks[0].deployments[0].rollout =
      'stalled';
    const summary = summarizeEnvironment(board.environments[0], board.clusters);
    const deployments = board.environments[0].stages[0].tracks.flatMap(
      t => t.deployments,
    );
    expect(summary).toEqual({
      name: 'production',
      desired: 100,
      updated: deployments.reduce((n, d) => n + d.updated, 0),
      ready: deployments.reduce((n, d) => n + d.ready, 0),
      rollout: 'stalled',
      canaryShare: 0.1,
      troubledClusters: [
        expect.objectContaining({
          name: 'gke-production-b',
          state: 'unreachable',
        }),
      ],
    });
  });

  it('has no canary share without a canary track', () => {
    const board = syntheticBoard({ canaryShare: 0 });
    const summary = summarizeEnvironment(board.environments[1], board.clusters);
    expect(summary.canaryShare).toBeUndefined();
    expect(summary.rollout).toBe('progressing');
    expect(summary.troubledClusters).toEqual([]);
  });
});
