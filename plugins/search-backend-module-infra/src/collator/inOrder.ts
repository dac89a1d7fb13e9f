/**
 * Maps items through `fn` with up to `concurrency` calls in flight, yielding the results in the
 * items' order. A call starts as soon as another ends (not batch by batch, where the slowest call
 * of each batch held up the rest), and calls go on while the consumer handles a result. Results
 * that came before an earlier one are held, at most `4 × concurrency` of them, however many items
 * there are. The first failure (in order) ends the iteration with its error; no call starts after
 * the iteration ends, and those still in flight end unobserved.
 */
export async function* inOrder<T, R>(
  items: Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const slots = Math.max(1, concurrency);
  const source = items[Symbol.iterator]();
  const queue: Promise<R>[] = [];
  let inFlight = 0;
  let ended = false;
  function done() {
    inFlight--;
    fill();
  }
  function fill() {
    while (!ended && inFlight < slots && queue.length < 4 * slots) {
      const next = source.next();
      if (next.done) return;
      inFlight++;
      const call = fn(next.value);
      // Observed below, in order; until then a failure must not count as unhandled.
      call.then(done, done);
      queue.push(call);
    }
  }
  try {
    fill();
    while (queue.length) {
      const result = await queue.shift()!;
      fill();
      yield result;
    }
  } finally {
    ended = true;
  }
}
