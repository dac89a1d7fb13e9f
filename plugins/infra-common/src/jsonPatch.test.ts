import fc from 'fast-check';
import { applyJsonPatch, diffJson, JsonPatchOperation } from './jsonPatch';

const pod = (name: string, ready: boolean, cluster = 'gke-a') => ({
  name,
  cluster,
  namespace: 'ns',
  ready,
});

describe('diffJson', () => {
  it('turns any JSON value into any other', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (before, after) => {
        const ops = diffJson(before, after);
        expect(applyJsonPatch(before, ops)).toEqual(after);
      }),
      { numRuns: 500 },
    );
  });

  it('reads only own properties: keys named like Object.prototype members are plain keys', () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ toString: false }, {}],
      [{}, { toString: false }],
      [{ constructor: 1 }, { valueOf: 2 }],
      // JSON.parse makes `__proto__` an own property; an assignment would set the prototype.
      [{}, JSON.parse('{"__proto__": ""}')],
      [
        JSON.parse('{"__proto__": {"a": 1}}'),
        JSON.parse('{"__proto__": {"a": 2}}'),
      ],
      [JSON.parse('{"__proto__": 1}'), {}],
    ];
    for (const [before, after] of cases) {
      expect(applyJsonPatch(before, diffJson(before, after))).toEqual(after);
    }
  });

  it('turns one list of named elements into another, whatever was added, removed or reordered', () => {
    const element = fc.record({
      name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'x/y', 'm~n'),
      cluster: fc.constantFrom('gke-a', 'gke-b'),
      ready: fc.boolean(),
    });
    const list = fc.uniqueArray(element, {
      selector: e => `${e.cluster} ${e.name}`,
      maxLength: 8,
    });
    fc.assert(
      fc.property(list, list, (before, after) => {
        const doc = { pods: before };
        const ops = diffJson(doc, { pods: after });
        expect(applyJsonPatch(doc, ops)).toEqual({ pods: after });
      }),
      { numRuns: 500 },
    );
  });

  it('says one pod added or removed in a long list in one operation', () => {
    const pods = Array.from({ length: 100 }, (_, i) =>
      pod(`p-${String(i).padStart(3, '0')}`, true),
    );
    const added = [
      ...pods.slice(0, 10),
      pod('p-009b', false),
      ...pods.slice(10),
    ];
    expect(diffJson({ pods }, { pods: added })).toEqual([
      { op: 'add', path: '/pods/10', value: pod('p-009b', false) },
    ]);
    expect(diffJson({ pods: added }, { pods })).toEqual([
      { op: 'remove', path: '/pods/10' },
    ]);
    const flipped = pods.map((p, i) => (i === 42 ? { ...p, ready: false } : p));
    expect(diffJson({ pods }, { pods: flipped })).toEqual([
      { op: 'replace', path: '/pods/42/ready', value: false },
    ]);
  });

  it('tells pods of the same name in two clusters apart', () => {
    const before = [pod('web-1', true, 'gke-a'), pod('web-1', true, 'gke-b')];
    const after = [pod('web-1', true, 'gke-b')];
    expect(diffJson(before, after)).toEqual([{ op: 'remove', path: '/0' }]);
  });

  it('treats a property set to undefined as absent, as JSON does', () => {
    expect(diffJson({ a: 1, m: undefined }, { a: 1 })).toEqual([]);
    expect(diffJson({ a: 1, m: 'x' }, { a: 1, m: undefined })).toEqual([
      { op: 'remove', path: '/m' },
    ]);
    expect(diffJson({ a: 1 }, { a: 1, m: 'down' })).toEqual([
      { op: 'add', path: '/m', value: 'down' },
    ]);
  });

  it('escapes ~ and / in keys (RFC 6901)', () => {
    const ops = diffJson({ 'a/b': 1, 'c~d': 1 }, { 'a/b': 2, 'c~d': 2 });
    expect(ops.map(o => o.path)).toEqual(['/a~1b', '/c~0d']);
  });
});

describe('applyJsonPatch', () => {
  it('leaves the document as it was and shares what did not change', () => {
    const doc = { a: { x: [1, 2] }, b: { y: 1 } };
    const out = applyJsonPatch(doc, [
      { op: 'replace', path: '/a/x/1', value: 3 },
    ]);
    expect(doc.a.x).toEqual([1, 2]);
    expect(out).toEqual({ a: { x: [1, 3] }, b: { y: 1 } });
    expect(out.b).toBe(doc.b);
  });

  it('appends with "-" and inserts at an index', () => {
    expect(
      applyJsonPatch(
        [1, 3],
        [
          { op: 'add', path: '/-', value: 4 },
          { op: 'add', path: '/1', value: 2 },
        ],
      ),
    ).toEqual([1, 2, 3, 4]);
  });

  it.each<[string, JsonPatchOperation]>([
    ['a non-numeric array index', { op: 'replace', path: '/list/x', value: 1 }],
    ['a leading zero', { op: 'replace', path: '/list/01', value: 1 }],
    ['an index past the end', { op: 'remove', path: '/list/2' }],
    ['"-" outside add', { op: 'remove', path: '/list/-' }],
    ['replace of a missing member', { op: 'replace', path: '/nope', value: 1 }],
    ['remove of a missing member', { op: 'remove', path: '/nope' }],
    ['a path below a number', { op: 'add', path: '/n/x', value: 1 }],
    ['a path without a leading /', { op: 'add', path: 'n', value: 1 }],
    ['a failed test', { op: 'test', path: '/n', value: 2 }],
  ])('refuses %s', (_, op) => {
    const doc = { list: [1, 2], n: 1 };
    expect(() => applyJsonPatch(doc, [op])).toThrow(/JSON Patch/);
    expect(doc).toEqual({ list: [1, 2], n: 1 });
  });

  it('passes a test that holds and replaces the whole document at ""', () => {
    expect(
      applyJsonPatch({ n: 1 }, [
        { op: 'test', path: '/n', value: 1 },
        { op: 'replace', path: '', value: { m: 2 } },
      ]),
    ).toEqual({ m: 2 });
  });
});
