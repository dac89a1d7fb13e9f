import { createListGate } from './ClusterWatcher';

/** A call that runs until the test ends it. */
function pending() {
  let end!: () => void;
  const done = new Promise<void>(resolve => {
    end = resolve;
  });
  return { call: () => done, end };
}

const tick = () => new Promise(r => setImmediate(r));

describe('the list gate', () => {
  it('lets one cluster alone use every slot', async () => {
    const gate = createListGate(4);
    const a = gate.forCluster('a');
    const hung = pending();
    for (let i = 0; i < 6; i++) a.run(hung.call);
    await tick();
    expect(gate.running()).toEqual({ a: 4 });
    hung.end();
  });

  it('never gives every slot to one cluster of several, and serves the cluster with the fewest calls first', async () => {
    const gate = createListGate(4);
    const a = gate.forCluster('a');
    const b = gate.forCluster('b');
    const c = gate.forCluster('c');
    // Cluster a hangs, and asked first for more slots than there are.
    const hung = pending();
    for (let i = 0; i < 9; i++) a.run(hung.call).catch(() => undefined);
    await tick();
    expect(gate.running()).toEqual({ a: 3, b: 0, c: 0 });

    // b and c still get through, one after the other in the free slot.
    const order: string[] = [];
    const bs = pending();
    const first = b.run(async () => {
      order.push('b');
      await bs.call();
    });
    const second = c.run(async () => {
      order.push('c');
    });
    await tick();
    expect(order).toEqual(['b']);
    bs.end();
    await first;
    await second;
    expect(order).toEqual(['b', 'c']);
    expect(gate.running()).toEqual({ a: 3, b: 0, c: 0 });
    hung.end();
  });

  it('frees the slots of a cluster that goes away at once, and rejects its waiting calls', async () => {
    const gate = createListGate(2);
    const a = gate.forCluster('a');
    const b = gate.forCluster('b');
    const hung = pending();
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      a.run(hung.call).then(
        () => outcomes.push('ran'),
        error => outcomes.push(error.name),
      );
    }
    b.run(hung.call);
    await tick();
    expect(gate.running()).toEqual({ a: 1, b: 1 });
    const c = gate.forCluster('c');
    let ran = false;
    const waiting = c.run(async () => {
      ran = true;
    });
    await tick();
    expect(ran).toBe(false);

    // The running call of a still hangs (its own abort is the watcher's business): its slot is free.
    a.close();
    await waiting;
    expect(ran).toBe(true);
    expect(outcomes).toEqual(['AbortError', 'AbortError']);
    await expect(a.run(async () => 'late')).rejects.toThrow(
      'The cache stopped following cluster a',
    );
    expect(gate.running()).toEqual({ b: 1, c: 0 });
    hung.end();
  });
});
