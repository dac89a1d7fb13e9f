import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import { DeployBoard } from '@groundcrew/plugin-infra-common';

/**
 * Options for {@link DeployBoardApi.streamBoard}.
 *
 * @public
 */
export interface StreamBoardOptions {
  /**
   * Called with every board of the stream; each replaces the previous one. The server sends the
   * whole board first, then differences, which the client applies: the caller always gets a whole
   * board.
   */
  onBoard: (board: DeployBoard) => void;
  /**
   * Called when the connection fails or ends; `retryInMs` is when the client reconnects, absent when
   * it gives up (the server refused the request, e.g. 404).
   */
  onError?: (error: Error, retry: { retryInMs?: number }) => void;
  /** Called each time the stream is (re)connected. */
  onOpen?: () => void;
  /** Stops the stream, including a pending reconnect. */
  signal: AbortSignal;
  /**
   * An event id of an earlier stream of this board (`<instance>.<revision>`, not a board's
   * revision): the server then sends nothing until the board changes. The client has no board for
   * it, so a difference that comes first makes it ask again for the whole board.
   */
  lastEventId?: string;
}

/**
 * Reads deploy boards from the deploy-board backend.
 *
 * @public
 */
export interface DeployBoardApi {
  getBoard(entityRef: CompoundEntityRef | string): Promise<DeployBoard>;
  /**
   * Follows the board's server-sent-events stream until `signal` aborts, reconnecting with backoff
   * (at once, for the whole board, when it missed a difference). Resolves when it stops.
   */
  streamBoard(
    entityRef: CompoundEntityRef | string,
    options: StreamBoardOptions,
  ): Promise<void>;
}

/** @public */
export const deployBoardApiRef = createApiRef<DeployBoardApi>({
  id: 'plugin.deploy-board.service',
});
