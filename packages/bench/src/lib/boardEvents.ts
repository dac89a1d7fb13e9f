import {
  applyJsonPatch,
  DeployBoard,
  DeployBoardPatch,
} from '@groundcrew/plugin-infra-common';
import { SseEvent } from './sse';

/**
 * Follows the events of one deploy board stream as the frontend does: a `board` event is the whole
 * board, a `patch` event applies to the board of the event before it. Returns the board an event
 * leads to, or undefined for other events; throws when a patch does not follow (a missed event).
 */
export class BoardFollower {
  board?: DeployBoard;
  private id?: string;

  apply(event: SseEvent): DeployBoard | undefined {
    if (event.event === 'board') {
      this.board = JSON.parse(event.data) as DeployBoard;
    } else if (event.event === 'patch') {
      const patch = JSON.parse(event.data) as DeployBoardPatch;
      if (!this.board || patch.from !== this.id) {
        throw new Error(
          `a patch from ${patch.from} arrived after ${this.id ?? 'no board'}`,
        );
      }
      this.board = applyJsonPatch(this.board, patch.ops);
    } else {
      return undefined;
    }
    this.id = event.id;
    return this.board;
  }
}
