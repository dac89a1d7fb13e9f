import { DependencyList, useEffect, useState } from 'react';

/** Where a lookup is: not asked (no input yet), in flight, answered, or failed. */
export type LookupState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; value: T }
  | { status: 'error'; error: Error };

/**
 * Runs `load` when `deps` change, `delayMs` after the last change (so typing makes one request),
 * and aborts the request it replaces. No `load` means there is nothing to ask yet.
 */
export function useLookup<T>(
  load: ((signal: AbortSignal) => Promise<T>) | undefined,
  deps: DependencyList,
  delayMs = 0,
): LookupState<T> {
  const [state, setState] = useState<LookupState<T>>(
    load ? { status: 'loading' } : { status: 'idle' },
  );
  useEffect(() => {
    if (!load) {
      setState({ status: 'idle' });
      return undefined;
    }
    setState({ status: 'loading' });
    const controller = new AbortController();
    const timer = setTimeout(() => {
      load(controller.signal).then(
        value => {
          if (!controller.signal.aborted) setState({ status: 'done', value });
        },
        error => {
          if (controller.signal.aborted) return;
          setState({
            status: 'error',
            error: error instanceof Error ? error : new Error(String(error)),
          });
        },
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // The caller names what `load` depends on, as with useEffect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
