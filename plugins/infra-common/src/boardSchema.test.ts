import { DeployBoard } from './board';
import { deployBoardSchema, parseDeployBoard } from './boardSchema';

const board: DeployBoard = {
  entityRef: 'component:default/search-indexer',
  selector: {
    labelSelector: 'runway.gitlab.com/service=search-indexer',
    source: 'groundcrew.io/runway-service',
  },
  environments: [
    {
      name: 'ops',
      stages: [
        {
          name: 'main',
          tracks: [
            {
              name: 'stable',
              podShare: 1,
              deployments: [
                {
                  cluster: 'gke-ops',
                  namespace: 'search-indexer',
                  name: 'search-indexer-backfill',
                  desired: 1,
                  updated: 1,
                  ready: 0,
                  available: 0,
                  rollout: 'progressing',
                  images: [
                    'registry.gitlab.com/groundcrew/search-indexer:0.19.3',
                  ],
                  pods: [
                    {
                      name: 'search-indexer-backfill-abc-x1',
                      phase: 'Running',
                      state: 'running',
                      ready: false,
                      restarts: 3,
                      track: 'stable',
                      reason: 'CrashLoopBackOff',
                      events: [
                        {
                          type: 'Warning',
                          reason: 'BackOff',
                          message: 'Back-off restarting failed container app',
                          count: 3,
                          lastSeen: '2026-01-01T00:05:00Z',
                          firstSeen: '2026-01-01T00:00:00Z',
                          source: 'kubelet',
                        },
                      ],
                    },
                  ],
                  flux: [],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
  clusters: [{ name: 'gke-ops', environment: 'ops', state: 'ok' }],
  revision: 4,
  generatedAt: '2026-01-01T00:05:01.000Z',
};

const clone = (): DeployBoard => structuredClone(board);
const firstPod = (b: DeployBoard) =>
  b.environments[0].stages[0].tracks[0].deployments[0].pods[0];

describe('deployBoardSchema', () => {
  it('accepts a board with pod events, unchanged', () => {
    expect(parseDeployBoard(clone())).toEqual(board);
    expect(deployBoardSchema.safeParse(clone()).success).toBe(true);
  });

  it('names the field that does not fit', () => {
    const b = clone();
    // Values the type forbids, as a wrong backend could send them.
    Object.assign(firstPod(b), { state: 'exploded' });
    expect(() => parseDeployBoard(b)).toThrow(
      /^Not a deploy board: environments\.0\.stages\.0\.tracks\.0\.deployments\.0\.pods\.0\.state: /,
    );
    const e = clone();
    Object.assign(firstPod(e).events![0], { count: 0 });
    expect(() => parseDeployBoard(e)).toThrow(/pods\.0\.events\.0\.count/);
    const t = clone();
    Object.assign(firstPod(t).events![0], { type: 'Error' });
    expect(() => parseDeployBoard(t)).toThrow(/events\.0\.type/);
  });

  it('rejects what is not a board at all, and counts the other problems', () => {
    expect(() => parseDeployBoard({ hello: 1 })).toThrow(
      /^Not a deploy board: entityRef: .* \(and \d+ more\)$/,
    );
    expect(() => parseDeployBoard(null)).toThrow(
      /^Not a deploy board: the board: /,
    );
  });
});
