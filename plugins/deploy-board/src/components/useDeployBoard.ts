import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { DeployBoard } from '@groundcrew/plugin-infra-common';
import { useEffect, useState } from 'react';
import { deployBoardApiRef } from '../api';
import { markBoardReceived } from './renderTiming';

/** `offline`: the server refused the stream (e.g. 404), so the board no longer updates. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface DeployBoardState {
  loading: boolean;
  board?: DeployBoard;
  error?: Error;
  live: LiveState;
}

/**
 * Loads the entity's board, then follows its stream until unmount; each streamed board replaces the
 * shown one (and clears an earlier error, e.g. a 503 while the fleet cache warmed up). The stream
 * starts with the whole board again: a page load's board carries no stream event id, and the
 * backend replica that answers the stream may not be the one that answered the load.
 */
export function useDeployBoard(entityRef: CompoundEntityRef): DeployBoardState {
  const api = useApi(deployBoardApiRef);
  const ref = stringifyEntityRef(entityRef);
  const [state, setState] = useState<DeployBoardState>({
    loading: true,
    live: 'connecting',
  });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setState({ loading: true, live: 'connecting' });
    const show = (board: DeployBoard) => {
      if (signal.aborted) return;
      markBoardReceived();
      setState({ loading: false, board, live: 'live' });
    };

    (async () => {
      try {
        show(await api.getBoard(ref));
      } catch (e) {
        if (signal.aborted) return;
        const error = e instanceof Error ? e : new Error(String(e));
        setState(s => ({ ...s, loading: false, error }));
      }
      await api.streamBoard(ref, {
        signal,
        onBoard: show,
        onOpen: () => setState(s => ({ ...s, live: 'live' })),
        onError: (_error, { retryInMs }) =>
          setState(s => ({
            ...s,
            live: retryInMs === undefined ? 'offline' : 'reconnecting',
          })),
      });
    })().catch(e => {
      // streamBoard reports failures through onError; reaching here is a bug worth showing.
      if (signal.aborted) return;
      const error = e instanceof Error ? e : new Error(String(e));
      setState(s => ({
        ...s,
        live: 'offline',
        error: s.board ? s.error : error,
      }));
    });

    return () => controller.abort();
  }, [api, ref]);

  return state;
}
