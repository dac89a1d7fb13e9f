import { DeployBoard } from '@groundcrew/plugin-infra-common';

/**
 * User Timing marks around rendering a board, read by the render benchmark
 * (e2e/deploy-board-render.spec.ts) and visible in the browser's performance panel:
 * `deploy-board:render` is board received → DOM committed, `deploy-board:paint` → after the next
 * frame. Only the latest board's marks are kept.
 */
const RECEIVED = 'deploy-board:board-received';
const RENDERED = 'deploy-board:rendered';
const PAINTED = 'deploy-board:painted';

function timingAvailable() {
  return (
    typeof performance !== 'undefined' &&
    typeof performance.mark === 'function' &&
    typeof performance.measure === 'function'
  );
}

export function countPods(board: DeployBoard): number {
  let pods = 0;
  for (const environment of board.environments) {
    for (const stage of environment.stages) {
      for (const track of stage.tracks) {
        for (const deployment of track.deployments) {
          pods += deployment.pods.length;
        }
      }
    }
  }
  return pods;
}

export function markBoardReceived() {
  if (!timingAvailable()) return;
  for (const name of [RECEIVED, RENDERED, PAINTED])
    performance.clearMarks(name);
  for (const name of ['deploy-board:render', 'deploy-board:paint']) {
    performance.clearMeasures(name);
  }
  performance.mark(RECEIVED);
}

/** Call from a layout effect once the board's DOM is committed. */
export function markBoardRendered(board: DeployBoard): () => void {
  if (
    !timingAvailable() ||
    performance.getEntriesByName(RECEIVED).length === 0
  ) {
    return () => {};
  }
  const detail = { pods: countPods(board), revision: board.revision };
  performance.mark(RENDERED);
  performance.measure('deploy-board:render', {
    start: RECEIVED,
    end: RENDERED,
    detail,
  });
  // The frame after the commit has been laid out and painted by the time the timeout runs.
  let timeout: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timeout = setTimeout(() => {
      performance.mark(PAINTED);
      performance.measure('deploy-board:paint', {
        start: RECEIVED,
        end: PAINTED,
        detail,
      });
    }, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timeout);
  };
}
