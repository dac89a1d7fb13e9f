import { Limiter } from './Limiter';

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, and every task', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const task = (i: number) =>
      limiter.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>(resolve => release.push(resolve));
        running--;
        return i;
      });
    const all = Promise.all([0, 1, 2, 3, 4].map(task));
    // Let the first tasks start; release them one by one.
    for (let done = 0; done < 5; done++) {
      while (release.length === 0) await new Promise(r => setImmediate(r));
      expect(running).toBeLessThanOrEqual(2);
      release.shift()!();
    }
    expect(await all).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('frees its slot when a task fails', async () => {
    const limiter = new Limiter(1);
    await expect(
      limiter.run(async () => Promise.reject(new Error('no'))),
    ).rejects.toThrow('no');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });
});
