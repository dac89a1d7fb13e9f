import { inOrder } from './inOrder';

const tick = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('inOrder', () => {
  it('keeps `concurrency` calls in flight, starting one as soon as one ends, and yields in order', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    // Item 0 is slow: with batches, items 2 and 3 would wait for it.
    const delays = [60, 5, 5, 5, 5];
    const out: number[] = [];
    let startedBeforeFirst: number[] = [];
    for await (const r of inOrder([0, 1, 2, 3, 4], 2, async i => {
      started.push(i);
      inFlight++;
      most = Math.max(most, inFlight);
      await tick(delays[i]);
      inFlight--;
      return i * 10;
    })) {
      if (out.length === 0) startedBeforeFirst = [...started];
      out.push(r);
    }
    // While item 0 ran, the other slot went through items 1 to 4.
    expect(startedBeforeFirst).toEqual([0, 1, 2, 3, 4]);
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });

  it('holds at most four times `concurrency` results behind a slow one, and starts nothing once ended', async () => {
    const started: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    for await (const r of inOrder(items, 1, async i => {
      started.push(i);
      await tick(1);
      return i;
    })) {
      if (r === 0) break;
    }
    await tick(20);
    // Item 0 was yielded (and the loop left) with at most 4 results queued behind it.
    expect(started.length).toBeLessThanOrEqual(5);
  });

  it('ends with the first failure in order, and a later failure is not left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const seen: number[] = [];
      await expect(
        (async () => {
          for await (const r of inOrder([0, 1, 2], 3, async i => {
            await tick(i === 0 ? 20 : 1);
            if (i > 0) throw new Error(`item ${i} failed`);
            return i;
          })) {
            seen.push(r);
          }
        })(),
      ).rejects.toThrow('item 1 failed');
      expect(seen).toEqual([0]);
      await tick(20);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
