import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  applyJsonPatch,
  DeployBoard,
  DeployBoardPatch,
  parseDeployBoard,
} from '@groundcrew/plugin-infra-common';
import { DeployBoardApi, StreamBoardOptions } from './DeployBoardApi';
import { SseParser } from './SseParser';

/** A patch that does not follow from the board the client has: an event was missed. */
class MissedPatchError extends Error {}

/**
 * Options for {@link DeployBoardClient}.
 *
 * @public
 */
export interface DeployBoardClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  /** Reconnect backoff: doubles from `initialDelayMs` (1 s) up to `maxDelayMs` (30 s). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * A stream silent for this long is taken as dead and reconnected (default 45 s: the server sends a
   * heartbeat every 15 s).
   */
  idleTimeoutMs?: number;
}

/**
 * {@link DeployBoardApi} over the deploy-board backend's HTTP API.
 *
 * @public
 */
export class DeployBoardClient implements DeployBoardApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly idleTimeoutMs: number;

  constructor(options: DeployBoardClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.initialDelayMs = options.reconnect?.initialDelayMs ?? 1000;
    this.maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  }

  async getBoard(entityRef: CompoundEntityRef | string): Promise<DeployBoard> {
    const response = await this.fetchApi.fetch(await this.boardUrl(entityRef));
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return toDeployBoard(await response.json());
  }

  async streamBoard(
    entityRef: CompoundEntityRef | string,
    options: StreamBoardOptions,
  ): Promise<void> {
    const { signal } = options;
    // Outlives each connection: where to resume (the last event and the board it led to), and
    // whether the last attempt got through.
    const cursor: {
      lastEventId?: string;
      board?: DeployBoard;
      opened: boolean;
    } = { lastEventId: options.lastEventId, opened: false };
    const handlers = {
      onOpen: () => {
        cursor.opened = true;
        options.onOpen?.();
      },
      onEvent: (type: string, data: string, id: string) => {
        let board: DeployBoard;
        if (type === 'board') {
          board = toDeployBoard(JSON.parse(data));
        } else if (type === 'patch') {
          board = patched(cursor, JSON.parse(data) as DeployBoardPatch);
        } else {
          return;
        }
        cursor.board = board;
        cursor.lastEventId = id || cursor.lastEventId;
        options.onBoard(board);
      },
    };
    let failures = 0;
    while (!signal.aborted) {
      cursor.opened = false;
      let error: Error;
      try {
        const url = `${await this.boardUrl(entityRef)}/stream`;
        await this.followStream(url, cursor.lastEventId, signal, handlers);
        error = new Error('The deploy board stream ended');
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof MissedPatchError) {
          // Not a failure of the server: ask again, without an id, for the whole board.
          cursor.lastEventId = undefined;
          cursor.board = undefined;
          if (cursor.opened) continue;
        }
        if (e instanceof ResponseError && !isRetryable(e.statusCode)) {
          options.onError?.(e, {});
          return;
        }
        error = e instanceof Error ? e : new Error(String(e));
      }
      if (signal.aborted) return;
      // A connection that worked resets the backoff, so a server restart costs one short wait.
      if (cursor.opened) failures = 0;
      const retryInMs = Math.min(
        this.initialDelayMs * 2 ** failures,
        this.maxDelayMs,
      );
      failures++;
      options.onError?.(error, { retryInMs });
      await sleep(retryInMs, signal);
    }
  }

  private async followStream(
    url: string,
    lastEventId: string | undefined,
    outerSignal: AbortSignal,
    handlers: {
      onOpen: () => void;
      onEvent: (type: string, data: string, id: string) => void;
    },
  ): Promise<void> {
    // Aborted by the caller or by the idle timer, whichever comes first.
    const connection = new AbortController();
    const abort = () => connection.abort();
    outerSignal.addEventListener('abort', abort);
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idle = false;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idle = true;
        connection.abort();
      }, this.idleTimeoutMs);
    };
    try {
      armIdleTimer();
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await this.fetchApi.fetch(url, {
        headers,
        signal: connection.signal,
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      if (!response.body) {
        throw new Error('The deploy board stream has no body');
      }
      handlers.onOpen();
      const reader = response.body.getReader();
      // Not every fetch implementation ends the body when its signal aborts; cancelling does.
      connection.signal.addEventListener('abort', () => {
        reader.cancel().catch(() => {});
      });
      const decoder = new TextDecoder();
      const parser = new SseParser();
      for (;;) {
        const { done, value } = await reader.read();
        if (connection.signal.aborted) throw new Error('aborted');
        if (done) return;
        armIdleTimer();
        for (const event of parser.push(
          decoder.decode(value, { stream: true }),
        )) {
          handlers.onEvent(event.type, event.data, event.id);
        }
      }
    } catch (e) {
      if (idle && !outerSignal.aborted) {
        throw new Error(
          `The deploy board stream was silent for ${this.idleTimeoutMs} ms`,
        );
      }
      throw e;
    } finally {
      clearTimeout(idleTimer);
      outerSignal.removeEventListener('abort', abort);
      connection.abort();
    }
  }

  private async boardUrl(entityRef: CompoundEntityRef | string) {
    const ref =
      typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef;
    const baseUrl = await this.discoveryApi.getBaseUrl('deploy-board');
    // Like the catalog's entity routes: kind and namespace lower-cased, the name as it is.
    const path = [
      ref.namespace.toLocaleLowerCase('en-US'),
      ref.kind.toLocaleLowerCase('en-US'),
      ref.name,
    ]
      .map(encodeURIComponent)
      .join('/');
    return `${baseUrl}/boards/${path}`;
  }
}

/** The board a `patch` event leads to, from the board of the event before it. */
function patched(
  cursor: { lastEventId?: string; board?: DeployBoard },
  patch: DeployBoardPatch,
): DeployBoard {
  if (!cursor.board || patch.from !== cursor.lastEventId) {
    throw new MissedPatchError(
      `The deploy board stream sent a change from ${patch.from}, after ${
        cursor.lastEventId ?? 'no board'
      }`,
    );
  }
  try {
    return toDeployBoard(applyJsonPatch(cursor.board, patch.ops));
  } catch (e) {
    throw new MissedPatchError(
      `A change of the deploy board stream does not apply: ${
        (e as Error).message
      }`,
    );
  }
}

function isRetryable(status: number) {
  return status >= 500 || status === 408 || status === 429;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * Checks that a response is a board before the UI walks it, with the schema the backend's tests
 * check their boards with: a deploy-board backend of another version fails here with a message
 * naming the field, instead of deep in a render.
 */
function toDeployBoard(value: unknown): DeployBoard {
  try {
    return parseDeployBoard(value);
  } catch (error) {
    throw new TypeError(
      `The deploy-board backend answered with something that is not a deploy board (${
        (error as Error).message
      })`,
    );
  }
}
