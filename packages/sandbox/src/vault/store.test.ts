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

  it('lists what a walk of every path would, in every folder of a deep tree with look-alike names', () => {
    // Names that sort around "/" (0x2f): "-" and "." below it, "0" and letters above; a leaf and a
    // folder of the same name; folders many levels deep.
    const names = ['a', 'a-b', 'a.b', 'a0', 'b', 'x'];
    const paths: string[] = [];
    for (const n1 of names) {
      paths.push(n1);
      for (const n2 of names) {
        paths.push(`${n1}/${n2}`);
        if (n2 !== 'b')
          paths.push(`${n1}/${n2}/${n1}`, `${n1}/${n2}/deep/${n2}`);
      }
    }
    const store = new VaultStore();
    store.setBase({
      mounts: [{ path: 'secret', type: 'kv', version: '2' }],
      secrets: paths.map(p => secret('secret', p)),
    });
    const walked = (prefix: string) =>
      [
        ...new Set(
          paths
            .filter(p => p.startsWith(prefix))
            .map(p => p.slice(prefix.length).replace(/\/.*$/, '/')),
        ),
      ].sort();
    const folders = new Set(['']);
    for (const p of paths) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) {
        folders.add(`${parts.slice(0, i).join('/')}/`);
      }
    }
    expect(folders.size).toBeGreaterThan(60);
    for (const folder of folders) {
      expect([folder, store.listKeys('secret', folder)]).toEqual([
        folder,
        walked(folder),
      ]);
    }
  });
});
