/**
 * One JSON Patch operation (RFC 6902). {@link diffJson} makes `add`, `remove` and `replace`;
 * {@link applyJsonPatch} also checks `test`.
 *
 * @public
 */
export type JsonPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'test'; path: string; value: unknown };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON Pointer token (RFC 6901): `~` and `/` escaped. */
function token(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * What identifies an element of an array across versions: its `name`, with `cluster` and
 * `namespace` where it has them (a deployment or pod name repeats across clusters).
 */
function keyOf(value: unknown): string | undefined {
  if (!isObject(value) || typeof value.name !== 'string') return undefined;
  return JSON.stringify([value.cluster, value.namespace, value.name]);
}

/** The keys of the elements when every element has one and none repeats, else undefined. */
function keysOf(values: unknown[]): string[] | undefined {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const key = keyOf(value);
    if (key === undefined || seen.has(key)) return undefined;
    seen.add(key);
    keys.push(key);
  }
  return keys;
}

function sameSequence(a: string[], b: string[]) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function diffValue(
  before: unknown,
  after: unknown,
  path: string,
  ops: JsonPatchOperation[],
) {
  if (before === after) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    diffArray(before, after, path, ops);
  } else if (isObject(before) && isObject(after)) {
    diffObject(before, after, path, ops);
  } else {
    ops.push({ op: 'replace', path, value: after });
  }
}

/** An own property's value (a key like `toString` is not read from the prototype). */
function own(object: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key)
    ? object[key]
    : undefined;
}

function diffObject(
  before: JsonObject,
  after: JsonObject,
  path: string,
  ops: JsonPatchOperation[],
) {
  // A property set to undefined is absent in JSON, so it is absent here too.
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && own(after, key) === undefined) {
      ops.push({ op: 'remove', path: `${path}/${token(key)}` });
    }
  }
  for (const key of Object.keys(after)) {
    if (after[key] === undefined) continue;
    const at = `${path}/${token(key)}`;
    if (own(before, key) === undefined) {
      ops.push({ op: 'add', path: at, value: after[key] });
    } else {
      diffValue(before[key], after[key], at, ops);
    }
  }
}

/**
 * Elements with keys (see {@link keyOf}) are matched by key, so one pod added or removed is one
 * operation rather than a replace of every pod after it; otherwise by index.
 */
function diffArray(
  before: unknown[],
  after: unknown[],
  path: string,
  ops: JsonPatchOperation[],
) {
  const beforeKeys = keysOf(before);
  const afterKeys = keysOf(after);
  if (beforeKeys && afterKeys) {
    const kept = new Set(afterKeys);
    const known = new Set(beforeKeys);
    // A reordering is rare (boards are sorted by name): the whole array then.
    if (
      !sameSequence(
        beforeKeys.filter(k => kept.has(k)),
        afterKeys.filter(k => known.has(k)),
      )
    ) {
      ops.push({ op: 'replace', path, value: after });
      return;
    }
    const work = [...before];
    const workKeys = [...beforeKeys];
    // From the end, so that the indices of the removals before are still right.
    for (let i = work.length - 1; i >= 0; i--) {
      if (!kept.has(workKeys[i])) {
        ops.push({ op: 'remove', path: `${path}/${i}` });
        work.splice(i, 1);
        workKeys.splice(i, 1);
      }
    }
    for (let i = 0; i < after.length; i++) {
      if (workKeys[i] === afterKeys[i]) {
        diffValue(work[i], after[i], `${path}/${i}`, ops);
      } else {
        ops.push({ op: 'add', path: `${path}/${i}`, value: after[i] });
        work.splice(i, 0, after[i]);
        workKeys.splice(i, 0, afterKeys[i]);
      }
    }
    return;
  }
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) {
    diffValue(before[i], after[i], `${path}/${i}`, ops);
  }
  for (let i = before.length - 1; i >= after.length; i--) {
    ops.push({ op: 'remove', path: `${path}/${i}` });
  }
  for (let i = before.length; i < after.length; i++) {
    ops.push({ op: 'add', path: `${path}/${i}`, value: after[i] });
  }
}

/**
 * The JSON Patch (RFC 6902) that turns `before` into `after`, both JSON values (a property whose
 * value is undefined counts as absent, as in JSON). Values in the operations are shared with
 * `after`, not copied.
 *
 * @public
 */
export function diffJson(
  before: unknown,
  after: unknown,
): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  diffValue(before, after, '', ops);
  return ops;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new Error(`JSON Patch path "${pointer}" does not start with /`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter(k => a[k] !== undefined);
    return (
      keys.length === Object.keys(b).filter(k => b[k] !== undefined).length &&
      keys.every(k => deepEqual(a[k], own(b, k)))
    );
  }
  return false;
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Sets an own property. An assignment would not do: `copy['__proto__'] = value` sets the
 * prototype, and `__proto__` is a plain key in JSON (JSON.parse makes it an own property).
 */
function setOwn(object: JsonObject, key: string, value: unknown) {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** The value with the operation applied at `tokens[at]`, copying only the containers on the path. */
function applyAt(
  node: unknown,
  tokens: string[],
  at: number,
  op: JsonPatchOperation,
): unknown {
  const key = tokens[at];
  const last = at === tokens.length - 1;
  const fail = (problem: string): never => {
    throw new Error(`JSON Patch ${op.op} at "${op.path}": ${problem}`);
  };
  if (Array.isArray(node)) {
    let index: number;
    if (key === '-' && last && op.op === 'add') index = node.length;
    else if (ARRAY_INDEX.test(key)) index = Number(key);
    else return fail(`"${key}" is not an array index`);
    const limit = last && op.op === 'add' ? node.length : node.length - 1;
    if (index > limit) fail(`index ${index} is out of bounds`);
    const copy = [...node];
    if (!last) {
      copy[index] = applyAt(node[index], tokens, at + 1, op);
    } else if (op.op === 'add') {
      copy.splice(index, 0, op.value);
    } else if (op.op === 'remove') {
      copy.splice(index, 1);
    } else if (op.op === 'replace') {
      copy[index] = op.value;
    } else {
      if (!deepEqual(node[index], op.value)) fail('the value differs');
      return node;
    }
    return copy;
  }
  if (isObject(node)) {
    const present =
      Object.prototype.hasOwnProperty.call(node, key) &&
      node[key] !== undefined;
    if (!present && !(last && op.op === 'add')) {
      fail(`there is no "${key}"`);
    }
    if (!last) {
      return { ...node, [key]: applyAt(node[key], tokens, at + 1, op) };
    }
    if (op.op === 'test') {
      if (!deepEqual(node[key], op.value)) fail('the value differs');
      return node;
    }
    const copy = { ...node };
    if (op.op === 'remove') delete copy[key];
    else setOwn(copy, key, op.value);
    return copy;
  }
  return fail(`"${key}" is inside a value that is neither object nor array`);
}

/**
 * Applies a JSON Patch (RFC 6902: `add`, `remove`, `replace`, `test`) without changing `document`:
 * the containers on each operation's path are copied, everything else is shared. Throws on an
 * operation that does not apply (a missing path, an index out of bounds, a failed `test`).
 *
 * @public
 */
export function applyJsonPatch<T>(
  document: T,
  ops: readonly JsonPatchOperation[],
): T {
  let result: unknown = document;
  for (const op of ops) {
    const tokens = parsePointer(op.path);
    if (tokens.length > 0) {
      result = applyAt(result, tokens, 0, op);
    } else if (op.op === 'add' || op.op === 'replace') {
      result = op.value;
    } else if (op.op === 'test') {
      if (!deepEqual(result, op.value)) {
        throw new Error('JSON Patch test at "": the value differs');
      }
    } else {
      throw new Error(`JSON Patch ${op.op} at "": cannot remove the document`);
    }
  }
  return result as T;
}
