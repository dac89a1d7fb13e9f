import { readAhead } from './readAhead';

const tick = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('readAhead', () => {
  it('reads the source before it is iterated, and hands on what it held in order', async () => {
    const read: number[] = [];
    async function* source() {
      for (let i = 0; i < 5; i++) {
        await tick(1);
        read.push(i);
        yield i;
      }
    }
    const ahead = readAhead(source());
    expect(ahead.readMs()).toBeUndefined();
    await tick(30);
    expect(read).toEqual([0, 1, 2, 3, 4]);
    expect(ahead.readMs()).toBeGreaterThanOrEqual(4);
    const out: number[] = [];
    for (const n of await ahead.read()) out.push(n);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops reading when told, and the source ends (its finally runs)', async () => {
    let read = 0;
    let ended = false;
    async function* source() {
      try {
        for (;;) {
          await tick(1);
          read++;
          yield read;
        }
      } finally {
        ended = true;
      }
    }
    const ahead = readAhead(source());
    await tick(10);
    ahead.stop();
    await tick(10);
    const after = read;
    await tick(20);
    expect(ended).toBe(true);
    expect(read).toBe(after);
  });

  it('surfaces a failure of the source when read, not before', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    async function* source(): AsyncGenerator<number> {
      await tick(1);
      throw new Error('Vault is sealed');
    }
    process.on('unhandledRejection', onUnhandled);
    try {
      const ahead = readAhead(source());
      await tick(10);
      expect(unhandled).toEqual([]);
      await expect(ahead.read()).rejects.toThrow('Vault is sealed');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
