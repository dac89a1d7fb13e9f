import { diffJson, DeployBoard } from '@groundcrew/plugin-infra-common';
import { BoardFollower } from './boardEvents';

const board = (revision: number, ready: boolean) =>
  ({
    entityRef: 'component:default/svc-000',
    selector: { labelSelector: 'app=svc-000', source: 'test' },
    environments: [],
    clusters: [
      {
        name: 'cluster-0',
        environment: 'production',
        state: ready ? 'ok' : 'stale',
      },
    ],
    revision,
    generatedAt: '2026-01-01T00:00:00Z',
  } as DeployBoard);

describe('BoardFollower', () => {
  it('applies patches to the board of the event before, and refuses one that does not follow', () => {
    const follower = new BoardFollower();
    follower.apply({
      event: 'board',
      id: 'a.1',
      data: JSON.stringify(board(1, true)),
    });
    const patch = (from: string) =>
      JSON.stringify({ from, ops: diffJson(board(1, true), board(2, false)) });
    expect(
      follower.apply({ event: 'patch', id: 'a.2', data: patch('a.1') }),
    ).toEqual(board(2, false));
    expect(() =>
      follower.apply({ event: 'patch', id: 'a.3', data: patch('a.1') }),
    ).toThrow(/after a.2/);
  });
});
