import { HttpError } from '../framework/http';
import { badRequest, failureStatus } from './status';

type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * A member set as an own property. `o[key] = value` with the key `__proto__` (a plain key in
 * JSON, and to the real server) would set the object's prototype instead.
 */
function setOwn(o: Obj, key: string, value: unknown) {
  Object.defineProperty(o, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** An own member, never one inherited (`o.__proto__`, `o.constructor`). */
function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (typeof a === 'object') {
    if (Array.isArray(b)) return false;
    const ao = a as Obj;
    const bo = b as Obj;
    const ak = Object.keys(ao).filter(k => ao[k] !== undefined);
    const bk = Object.keys(bo).filter(k => bo[k] !== undefined);
    if (ak.length !== bk.length) return false;
    for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
    return true;
  }
  return false;
}

/**
 * The merge key of a list field, as the built-in types declare it
 * (`patchMergeKey` / `listMapKeys`), or undefined for an atomic list.
 */
export function mergeKeyFor(
  field: string,
  elements: unknown[],
): string | undefined {
  const first = elements.find(isPlainObject);
  if (!first) return undefined;
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'containerStatuses':
    case 'initContainerStatuses':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'ports':
      if ('containerPort' in first) return 'containerPort';
      if ('port' in first) return 'port';
      return undefined;
    default:
      return undefined;
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Obj = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else setOwn(result, k, mergePatch(own(result, k), v));
  }
  return result;
}

/**
 * Strategic merge patch, approximated: a merge patch in which lists with a
 * known merge key merge element by element, `$patch: delete|replace` is
 * honoured and the other `$` directives kubectl sends are dropped.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  const result: Obj = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = own(result, field);
      if (Array.isArray(cur) && Array.isArray(v)) {
        setOwn(
          result,
          field,
          cur.filter(x => !v.includes(x)),
        );
      }
      continue;
    }
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete result[k];
      continue;
    }
    const cur = own(result, k);
    if (Array.isArray(v) && Array.isArray(cur)) {
      const key = mergeKeyFor(k, [...v, ...cur]);
      if (key) {
        const merged = [...cur];
        for (const el of v) {
          if (!isPlainObject(el)) continue;
          const idx = merged.findIndex(
            m => isPlainObject(m) && m[key] === el[key],
          );
          if (el.$patch === 'delete') {
            if (idx >= 0) merged.splice(idx, 1);
          } else if (idx >= 0) {
            merged[idx] = strategicMergePatch(merged[idx], el);
          } else {
            merged.push(stripDirectives(el));
          }
        }
        setOwn(result, k, merged);
        continue;
      }
      setOwn(result, k, stripDirectives(v));
      continue;
    }
    setOwn(
      result,
      k,
      isPlainObject(v) ? strategicMergePatch(cur, v) : stripDirectives(v),
    );
  }
  return result;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (!k.startsWith('$')) setOwn(out, k, stripDirectives(val));
  }
  return out;
}

interface JsonPatchOp {
  op?: unknown;
  path?: unknown;
  from?: unknown;
  value?: unknown;
}

/**
 * A JSON patch that does not apply. The real server answers 422 with the
 * generic message and drops the library's reason
 * (apiserver/pkg/endpoints/handlers/patch.go `applyJSPatch`:
 * `errors.NewGenericServerResponse(http.StatusUnprocessableEntity, …)`);
 * the reason is kept on the error for the sandbox's own logs.
 */
export class JsonPatchError extends HttpError {
  constructor(readonly reason: string) {
    super(
      422,
      failureStatus(
        422,
        'the server rejected our request due to an error in our request',
        'Invalid',
        {},
      ),
    );
  }
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string')
    throw new JsonPatchError('operation is missing a path');
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new JsonPatchError(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const pointerOf = (parts: string[]) =>
  parts.map(p => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * An RFC 6901 array index: `0` or digits without a leading zero, below
 * `size` (`-`, the element after the last, only where `allowEnd`).
 */
function arrayIndex(
  arr: unknown[],
  token: string,
  parts: string[],
  allowEnd: boolean,
): number {
  if (token === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw new JsonPatchError(
      `invalid array index ${JSON.stringify(token)} in ${pointerOf(parts)}`,
    );
  const i = Number(token);
  const max = allowEnd ? arr.length : arr.length - 1;
  if (i > max)
    throw new JsonPatchError(
      `array index ${i} out of bounds in ${pointerOf(parts)}`,
    );
  return i;
}

/** The container of the pointer's last token; every token before it must exist. */
function parentOf(
  doc: unknown,
  parts: string[],
): { parent: Obj | unknown[]; key: string } {
  let cur: unknown = doc;
  for (let n = 0; n < parts.length - 1; n++) {
    const part = parts[n];
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, part, parts, false)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else
      throw new JsonPatchError(
        `path ${pointerOf(parts.slice(0, n + 1))} does not exist`,
      );
  }
  if (!Array.isArray(cur) && !isPlainObject(cur))
    throw new JsonPatchError(
      `path ${pointerOf(parts.slice(0, -1))} is not an object or array`,
    );
  return { parent: cur, key: parts[parts.length - 1] };
}

/** The value at a pointer, which must exist. */
function getAt(doc: unknown, parts: string[]): unknown {
  if (parts.length === 0) return doc;
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent))
    return parent[arrayIndex(parent, key, parts, false)];
  if (!Object.hasOwn(parent, key))
    throw new JsonPatchError(`path ${pointerOf(parts)} does not exist`);
  return parent[key];
}

function removeAt(doc: unknown, parts: string[]): void {
  if (parts.length === 0)
    throw new JsonPatchError('cannot remove the whole document');
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, key, parts, false), 1);
    return;
  }
  if (!Object.hasOwn(parent, key))
    throw new JsonPatchError(`unable to remove nonexistent key: ${key}`);
  delete parent[key];
}

/** Adds at a pointer; returns the document (a new one when the root is replaced). */
function addAt(doc: unknown, parts: string[], value: unknown): unknown {
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent))
    parent.splice(arrayIndex(parent, key, parts, true), 0, value);
  else setOwn(parent, key, value);
  return doc;
}

function valueOf(op: JsonPatchOp, name: string): unknown {
  if (!Object.hasOwn(op, 'value'))
    throw new JsonPatchError(`${name} operation is missing a value`);
  return clone(op.value);
}

/**
 * RFC 6902 JSON patch, applied all or nothing: a pointer through a missing
 * member or a non-numeric or out-of-range array index fails, `replace`,
 * `remove` and `test` need an existing target, `-` appends (for `add`, `move`
 * and `copy` only), and `move` cannot move a value into itself.
 * The operations must be an array of objects (else 400, like the real
 * server's `jsonpatch.DecodePatch`); an operation that does not apply is 422.
 */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops) || !ops.every(isPlainObject))
    throw badRequest(
      'json: cannot unmarshal the patch: a JSON patch must be an array of operations',
    );
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    const parts = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, parts, valueOf(raw, 'add'));
        break;
      case 'remove':
        removeAt(doc, parts);
        break;
      case 'replace': {
        const value = valueOf(raw, 'replace');
        if (parts.length === 0) {
          doc = value;
          break;
        }
        const { parent, key } = parentOf(doc, parts);
        if (Array.isArray(parent))
          parent[arrayIndex(parent, key, parts, false)] = value;
        else if (Object.hasOwn(parent, key)) setOwn(parent, key, value);
        else
          throw new JsonPatchError(
            `replace operation does not apply: doc is missing key: ${pointerOf(
              parts,
            )}`,
          );
        break;
      }
      case 'move': {
        const from = parsePointer(raw.from);
        const isPrefix =
          from.length < parts.length && from.every((p, i) => parts[i] === p);
        if (isPrefix)
          throw new JsonPatchError(
            `cannot move ${pointerOf(from)} into its child ${pointerOf(parts)}`,
          );
        const value = getAt(doc, from);
        removeAt(doc, from);
        doc = addAt(doc, parts, value);
        break;
      }
      case 'copy':
        doc = addAt(doc, parts, clone(getAt(doc, parsePointer(raw.from))));
        break;
      case 'test': {
        const expected = valueOf(raw, 'test');
        if (!deepEqual(getAt(doc, parts), expected))
          throw new JsonPatchError(
            `testing value ${pointerOf(parts)} failed: test failed`,
          );
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${String(raw.op)}`);
    }
  }
  return doc;
}
