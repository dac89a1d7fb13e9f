/** What {@link readAhead} reads: its items once read, and a way to stop reading. */
export interface ReadAhead<T> {
  /**
   * Waits until the source is read to its end (a failure of the source surfaces here), then
   * gives its items in order, each released as it is handed on. A plain iterable: handing on
   * tens of thousands of held items costs no promise each.
   */
  read(): Promise<Iterable<T>>;
  stop(): void;
  /** How long the source took to read to its end, in ms; undefined while it is being read. */
  readMs(): number | undefined;
}

/**
 * Starts reading `source` now and holds what it yields until `read()`; a failure of the source
 * surfaces there. `stop()` ends the reading early (the source's own `finally` runs): a consumer
 * that fails or is abandoned before it got to the items leaves no reading behind.
 */
export function readAhead<T>(source: AsyncGenerator<T>): ReadAhead<T> {
  const held: Array<T | undefined> = [];
  let stopped = false;
  const started = Date.now();
  let readMs: number | undefined;
  const reading = (async () => {
    for await (const item of source) {
      if (stopped) break;
      held.push(item);
    }
    readMs = Date.now() - started;
  })();
  // Observed by read(); until then a failure must not count as unhandled.
  reading.catch(() => undefined);
  function* handOn() {
    for (let i = 0; i < held.length; i++) {
      const item = held[i] as T;
      held[i] = undefined; // released as handed on
      yield item;
    }
  }
  return {
    async read() {
      await reading;
      return handOn();
    },
    stop() {
      stopped = true;
    },
    readMs: () => readMs,
  };
}
