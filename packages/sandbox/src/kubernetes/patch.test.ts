import { jsonPatch, mergePatch, strategicMergePatch } from './patch';

// `__proto__` is a plain key in JSON and to the real server (a ConfigMap may hold it in `data`).
// JSON.parse gives it as an own property; a patch must keep it so, never set a prototype.
const data = (o: unknown) => (o as { data: Record<string, unknown> }).data;
const target = () => JSON.parse('{"data":{"a":"1"}}');

describe('patches and the member "__proto__"', () => {
  it('a merge patch adds it as an own member', () => {
    const out = data(
      mergePatch(target(), JSON.parse('{"data":{"__proto__":"x"}}')),
    );
    expect(Object.keys(out)).toEqual(['a', '__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"a":"1","__proto__":"x"}');
  });

  it('a strategic merge patch adds it and merges into it', () => {
    const once = strategicMergePatch(
      target(),
      JSON.parse('{"data":{"__proto__":{"b":"2"}}}'),
    );
    const twice = strategicMergePatch(
      once,
      JSON.parse('{"data":{"__proto__":{"c":"3"}}}'),
    );
    expect(JSON.stringify(data(twice))).toBe(
      '{"a":"1","__proto__":{"b":"2","c":"3"}}',
    );
  });

  it('a JSON patch adds and replaces it', () => {
    const added = jsonPatch(target(), [
      { op: 'add', path: '/data/__proto__', value: 'x' },
    ]);
    expect(JSON.stringify(data(added))).toBe('{"a":"1","__proto__":"x"}');
    const replaced = jsonPatch(added, [
      { op: 'replace', path: '/data/__proto__', value: 'y' },
    ]);
    expect(JSON.stringify(data(replaced))).toBe('{"a":"1","__proto__":"y"}');
  });
});
