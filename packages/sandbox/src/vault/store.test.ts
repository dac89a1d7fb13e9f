import { VaultStore } from './store';

const secret = (mount: string, path: string) => ({
  mount,
  path,
  versions: [{ ageSeconds: 60, data: { value: 'x' } }],
});

describe('VaultStore listings', () => {
  it('lists the keys directly under a folder, from the mount’s sorted paths, and follows writes and deletes', () => {
    const store = new VaultStore();
    store.setBase({
      mounts: [
        { path: 'secret', type: 'kv', version: '2' },
        { path: 'other', type: 'kv', version: '2' },
      ],
      secrets: [
        secret('secret', 'a/x'),
        secret('secret', 'a/b/y'),
        secret('secret', 'a/b/z'),
        // Shares the prefix "a" but is not under the folder "a/".
        secret('secret', 'ab/z'),
        secret('secret', 'top'),
        secret('other', 'a/not-this-mount'),
      ],
    });
    expect(store.listKeys('secret', '')).toEqual(['a/', 'ab/', 'top']);
    expect(store.listKeys('secret', 'a')).toEqual(['b/', 'x']);
    expect(store.listKeys('secret', 'a/')).toEqual(['b/', 'x']);
    expect(store.listKeys('secret', 'a/b')).toEqual(['y', 'z']);
    expect(store.listKeys('secret', 'missing')).toEqual([]);
    expect(store.listKeys('other', 'a')).toEqual(['not-this-mount']);

    store.write('secret', 'a/c/new', { value: 'y' });
    expect(store.listKeys('secret', 'a')).toEqual(['b/', 'c/', 'x']);
    store.secrets.delete(store.key('secret', 'a/x'));
    expect(store.listKeys('secret', 'a')).toEqual(['b/', 'c/']);
    store.reset();
    expect(store.listKeys('secret', 'a')).toEqual(['b/', 'x']);
  });
});
