/**
 * Maps items through `fn`, `concurrency` at a time, yielding the results in order: a bounded number
 * of calls in flight and of results held, however many items there are.
 */
export async function* inBatches<T, R>(
  items: Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= concurrency) {
      yield* await Promise.all(batch.map(fn));
      batch = [];
    }
  }
  if (batch.length) yield* await Promise.all(batch.map(fn));
}
