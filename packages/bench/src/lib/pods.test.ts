import type { DeployBoard } from '@groundcrew/plugin-infra-common';
import { anchorPodKeys, boardPodKeys, difference } from './pods';

describe('pod sets', () => {
  it('reads pods from the anchor answer, ignoring other kinds', () => {
    const keys = anchorPodKeys({
      items: [
        {
          cluster: { name: 'c0' },
          errors: [],
          resources: [
            {
              type: 'pods',
              resources: [{ metadata: { name: 'p1', namespace: 'ns' } }],
            },
            {
              type: 'services',
              resources: [{ metadata: { name: 's', namespace: 'ns' } }],
            },
          ],
        },
      ],
    });
    expect([...keys]).toEqual(['c0/ns/p1']);
  });

  it('reads pods from a board and compares sets', () => {
    const pod = {
      name: 'p1',
      phase: 'Running',
      state: 'ready',
      ready: true,
      restarts: 0,
    };
    const board = {
      environments: [
        {
          name: 'production',
          stages: [
            {
              name: 'main',
              tracks: [
                {
                  name: 'stable',
                  podShare: 1,
                  deployments: [
                    { cluster: 'c0', namespace: 'ns', name: 'd', pods: [pod] },
                  ],
                },
              ],
            },
          ],
        },
      ],
    } as unknown as DeployBoard;
    const ours = boardPodKeys(board);
    expect([...ours]).toEqual(['c0/ns/p1']);
    expect(difference(ours, new Set(['c0/ns/p2']))).toEqual({
      onlyA: ['c0/ns/p1'],
      onlyB: ['c0/ns/p2'],
      countA: 1,
      countB: 1,
    });
  });
});
