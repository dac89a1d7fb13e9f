import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ReadCheckCache } from './ReadCheckCache';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ai-gateway' },
} as Entity;

describe('ReadCheckCache', () => {
  afterEach(() => jest.useRealTimers());

  it('remembers a positive answer per caller and entity until it expires', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new ReadCheckCache(5000);
    const read = jest.fn(async () => entity);
    const demo = mockCredentials.user('user:default/demo');
    const ref = 'component:default/ai-gateway';

    expect(await cache.get(ref, demo, read)).toBe(entity);
    expect(await cache.get(ref, demo, read)).toBe(entity);
    expect(read).toHaveBeenCalledTimes(1);

    // Another caller is checked on its own.
    await cache.get(ref, mockCredentials.user('user:default/casey'), read);
    expect(read).toHaveBeenCalledTimes(2);

    jest.setSystemTime(1_000_000 + 5001);
    await cache.get(ref, demo, read);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('never remembers a refusal', async () => {
    const cache = new ReadCheckCache(5000);
    const read = jest.fn(async (): Promise<Entity | undefined> => undefined);
    const casey = mockCredentials.user('user:default/casey');
    expect(await cache.get('component:default/x', casey, read)).toBeUndefined();
    expect(await cache.get('component:default/x', casey, read)).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('checks every time with a TTL of 0, and stays within its size', async () => {
    const off = new ReadCheckCache(0);
    const read = jest.fn(async () => entity);
    const demo = mockCredentials.user('user:default/demo');
    await off.get('component:default/a', demo, read);
    await off.get('component:default/a', demo, read);
    expect(read).toHaveBeenCalledTimes(2);

    const small = new ReadCheckCache(5000, 2);
    const counted = jest.fn(async () => entity);
    for (const name of ['a', 'b', 'c', 'a']) {
      await small.get(`component:default/${name}`, demo, counted);
    }
    // `a` was evicted by `c`, so it is read again.
    expect(counted).toHaveBeenCalledTimes(4);
  });
});
