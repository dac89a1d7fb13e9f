import { badRequest, statusError } from './status';

type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
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
    else result[k] = mergePatch(result[k], v);
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
      const cur = result[field];
      if (Array.isArray(cur) && Array.isArray(v)) {
        result[field] = cur.filter(x => !v.includes(x));
      }
      continue;
    }
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete result[k];
      continue;
    }
    const cur = result[k];
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
        result[k] = merged;
        continue;
      }
      result[k] = stripDirectives(v);
      continue;
    }
    result[k] = isPlainObject(v)
      ? strategicMergePatch(cur, v)
      : stripDirectives(v);
  }
  return result;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (!k.startsWith('$')) out[k] = stripDirectives(val);
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw badRequest(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  doc: unknown,
  parts: string[],
): { parent: Obj | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isPlainObject(cur)) cur = cur[part];
    else cur = undefined;
    if (cur === undefined) {
      throw statusError(
        422,
        `the server rejected our request due to an error in our request: path /${parts.join(
          '/',
        )} does not exist`,
        'Invalid',
      );
    }
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) {
    throw statusError(
      422,
      `path /${parts.join('/')} does not exist`,
      'Invalid',
    );
  }
  return { parent: cur, key: parts[parts.length - 1] };
}

function getAt(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function removeAt(doc: unknown, parts: string[]): void {
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    parent.splice(Number(key), 1);
    return;
  }
  if (!(key in parent))
    throw statusError(
      422,
      `unable to remove nonexistent key: ${key}`,
      'Invalid',
    );
  delete parent[key];
}

/** Adds at a pointer; returns the document (a new one when the root is replaced). */
function addAt(doc: unknown, parts: string[], value: unknown): unknown {
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent))
    parent.splice(key === '-' ? parent.length : Number(key), 0, value);
  else parent[key] = value;
  return doc;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw badRequest('a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    const parts = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, parts, clone(raw.value));
        break;
      case 'remove':
        removeAt(doc, parts);
        break;
      case 'replace': {
        if (parts.length === 0) {
          doc = clone(raw.value);
          break;
        }
        const { parent, key } = parentOf(doc, parts);
        if (Array.isArray(parent)) parent[Number(key)] = clone(raw.value);
        else parent[key] = clone(raw.value);
        break;
      }
      case 'move': {
        const from = parsePointer(raw.from ?? '');
        const value = getAt(doc, from);
        removeAt(doc, from);
        doc = addAt(doc, parts, value);
        break;
      }
      case 'copy':
        doc = addAt(
          doc,
          parts,
          clone(getAt(doc, parsePointer(raw.from ?? ''))),
        );
        break;
      case 'test':
        if (!deepEqual(getAt(doc, parts), raw.value)) {
          throw statusError(422, `testing value ${raw.path} failed`, 'Invalid');
        }
        break;
      default:
        throw badRequest(`unknown JSON patch operation: ${raw.op}`);
    }
  }
  return doc;
}
