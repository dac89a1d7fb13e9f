/** What {@link readAhead} reads: its items once read, and a way to stop reading. */
export interface ReadAhead<T> {
  items(): AsyncGenerator<T>;
  stop(): void;
}

/**
 * Starts reading `source` now and holds what it yields until `items()` is iterated; a failure of
 * the source surfaces there. `stop()` ends the reading early (the source's own `finally` runs):
 * a consumer that fails or is abandoned before it got to the items leaves no reading behind.
 */
export function readAhead<T>(source: AsyncGenerator<T>): ReadAhead<T> {
  const held: Array<T | undefined> = [];
  let stopped = false;
  const read = (async () => {
    for await (const item of source) {
      if (stopped) break;
      held.push(item);
    }
  })();
  // Observed by items(); until then a failure must not count as unhandled.
  read.catch(() => undefined);
  return {
    async *items() {
      await read;
      for (let i = 0; i < held.length; i++) {
        const item = held[i] as T;
        held[i] = undefined; // released as handed on
        yield item;
      }
    },
    stop() {
      stopped = true;
    },
  };
}
