import { deepEqual, isPlainObject, mergeKeyFor } from './patch';
import type { KubeObject, ManagedFieldsEntry } from './types';

/**
 * Field ownership for server-side apply, approximated as the set of leaf
 * paths each manager set. Paths use the FieldsV1 segment syntax:
 * `f:spec`, `f:replicas`, `k:{"name":"app"}` for an element of a keyed list.
 */
export type FieldPath = string[];

type Obj = Record<string, unknown>;

const SEP = '\u0001';

export const pathKey = (p: FieldPath) => p.join(SEP);
export const keyPath = (k: string): FieldPath => k.split(SEP);

/** Metadata that identifies the object or is set by the server: never owned. */
const UNOWNED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function elementSegment(key: string, el: Obj): string {
  return `k:${JSON.stringify({ [key]: el[key] })}`;
}

function walk(
  value: unknown,
  prefix: FieldPath,
  fieldName: string,
  out: FieldPath[],
) {
  if (Array.isArray(value)) {
    const key = mergeKeyFor(fieldName, value);
    if (key && value.every(el => isPlainObject(el) && el[key] !== undefined)) {
      for (const el of value as Obj[]) {
        const seg = [...prefix, elementSegment(key, el)];
        const before = out.length;
        walkObject(el, seg, out);
        if (out.length === before) out.push([...seg, '.']);
      }
      return;
    }
    out.push(prefix);
    return;
  }
  if (isPlainObject(value)) {
    const before = out.length;
    walkObject(value, prefix, out);
    if (out.length === before) out.push(prefix);
    return;
  }
  out.push(prefix);
}

function walkObject(obj: Obj, prefix: FieldPath, out: FieldPath[]) {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    walk(v, [...prefix, `f:${k}`], k, out);
  }
}

/** The leaf paths an object sets (identity and server-set metadata excluded). */
export function leafPaths(
  obj: KubeObject,
  opts: { includeStatus?: boolean } = {},
): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (k === 'status' && !opts.includeStatus) continue;
    if (k === 'metadata' && isPlainObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (UNOWNED_METADATA.has(mk) || mv === undefined) continue;
        walk(mv, ['f:metadata', `f:${mk}`], mk, out);
      }
      continue;
    }
    walk(v, [`f:${k}`], k, out);
  }
  return out;
}

/** The value at a field path, or undefined. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (seg === '.') return cur;
    if (seg.startsWith('f:')) {
      if (!isPlainObject(cur)) return undefined;
      cur = cur[seg.slice(2)];
    } else if (seg.startsWith('k:')) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(seg.slice(2)) as Obj;
      cur = cur.find(
        el =>
          isPlainObject(el) &&
          Object.entries(want).every(([wk, wv]) => el[wk] === wv),
      );
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Deletes the value at a path, pruning containers the deletion left empty. */
export function deleteAt(obj: Obj, path: FieldPath): void {
  const chain: Array<{ container: unknown; seg: string }> = [];
  let cur: unknown = obj;
  for (const seg of path) {
    if (seg === '.') break;
    chain.push({ container: cur, seg });
    cur = valueAt(cur, [seg]);
    if (cur === undefined) return;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const { container, seg } = chain[i];
    const isLast = i === chain.length - 1;
    const child = valueAt(container, [seg]);
    const empty =
      isLast ||
      (isPlainObject(child) && Object.keys(child).length === 0) ||
      (Array.isArray(child) && child.length === 0);
    if (!empty) return;
    if (seg.startsWith('f:') && isPlainObject(container)) {
      delete container[seg.slice(2)];
    } else if (seg.startsWith('k:') && Array.isArray(container)) {
      const idx = container.indexOf(child);
      if (idx >= 0) container.splice(idx, 1);
    }
    // Do not prune the top-level sections themselves.
    if (i <= 1 && path[0] === 'f:metadata') return;
  }
}

/** Human form of a path, as in conflict messages: `.spec.containers[name="app"].image`. */
export function describePath(path: FieldPath): string {
  return path
    .filter(s => s !== '.')
    .map(seg => {
      if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
      const kv = JSON.parse(seg.slice(2)) as Obj;
      return `[${Object.entries(kv)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

export function toFieldsV1(paths: Iterable<FieldPath>): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let node = root;
    for (const seg of p) {
      node[seg] ??= {};
      node = node[seg] as Obj;
    }
  }
  return root;
}

export function fromFieldsV1(fields: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  const rec = (node: unknown, prefix: FieldPath) => {
    const entries = isPlainObject(node) ? Object.entries(node) : [];
    const children = entries.filter(([k]) => k !== '.');
    if (children.length === 0) {
      if (prefix.length) out.push(entries.length ? [...prefix, '.'] : prefix);
      return;
    }
    for (const [k, v] of children) rec(v, [...prefix, k]);
  };
  rec(fields, []);
  return out;
}

/** One manager's ownership, keyed like the real server (manager + operation + subresource). */
export interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  fields: Set<string>;
}

export function ownersOf(obj: KubeObject): Owner[] {
  return (obj.metadata.managedFields ?? []).map((e: ManagedFieldsEntry) => ({
    manager: e.manager,
    operation: e.operation,
    subresource: e.subresource,
    apiVersion: e.apiVersion,
    time: e.time,
    fields: new Set(fromFieldsV1(e.fieldsV1).map(pathKey)),
  }));
}

export function toManagedFields(
  owners: Owner[],
): ManagedFieldsEntry[] | undefined {
  const entries = owners
    .filter(o => o.fields.size > 0)
    .map(o => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1([...o.fields].map(keyPath)),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    }));
  return entries.length ? entries : undefined;
}

function ownerFor(
  owners: Owner[],
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  subresource?: string,
): Owner {
  let o = owners.find(
    x =>
      x.manager === manager &&
      x.operation === operation &&
      x.subresource === subresource,
  );
  if (!o) {
    o = {
      manager,
      operation,
      apiVersion,
      subresource,
      time: new Date().toISOString(),
      fields: new Set(),
    };
    owners.push(o);
  }
  return o;
}

/**
 * Records an update (create, PUT, non-apply PATCH, controller write): the
 * manager takes the fields it changed; fields that disappeared lose owners.
 */
export function trackUpdate(opts: {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  apiVersion: string;
  subresource?: string;
}): void {
  const { before, after, manager, apiVersion, subresource } = opts;
  const owners = before ? ownersOf(before) : [];
  const includeStatus = true;
  const afterPaths = leafPaths(after, { includeStatus });
  const changed = afterPaths.filter(
    p => !before || !deepEqual(valueAt(before, p), valueAt(after, p)),
  );
  const removed = before
    ? leafPaths(before, { includeStatus }).filter(
        p => valueAt(after, p) === undefined,
      )
    : [];
  if (changed.length === 0 && removed.length === 0) {
    after.metadata.managedFields = before?.metadata.managedFields;
    return;
  }
  const now = new Date().toISOString();
  const lost = new Set([...changed, ...removed].map(pathKey));
  for (const o of owners) {
    let touched = false;
    for (const k of lost) if (o.fields.delete(k)) touched = true;
    if (touched) o.time = now;
  }
  const mine = ownerFor(owners, manager, 'Update', apiVersion, subresource);
  for (const p of changed) mine.fields.add(pathKey(p));
  mine.time = now;
  mine.apiVersion = apiVersion;
  after.metadata.managedFields = toManagedFields(owners);
}

export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  path: FieldPath;
}

/**
 * Merges an applied configuration into the live object as `manager`.
 * Returns the new object, or the conflicts when another manager owns a field
 * with a different value (unless `force`, which takes the field over).
 */
export function applyConfiguration(opts: {
  live: KubeObject;
  applied: KubeObject;
  manager: string;
  apiVersion: string;
  force: boolean;
  subresource?: string;
}): { object: KubeObject; conflicts: ApplyConflict[] } {
  const { live, applied, manager, apiVersion, force, subresource } = opts;
  const owners = ownersOf(live);
  const includeStatus = subresource === 'status';
  const newPaths = leafPaths(applied, { includeStatus });
  const newKeys = new Set(newPaths.map(pathKey));
  const me = ownerFor(owners, manager, 'Apply', apiVersion, subresource);

  const conflicts: ApplyConflict[] = [];
  for (const p of newPaths) {
    const k = pathKey(p);
    for (const o of owners) {
      if (o === me || !o.fields.has(k)) continue;
      if (deepEqual(valueAt(live, p), valueAt(applied, p))) continue;
      if (force) o.fields.delete(k);
      else
        conflicts.push({
          manager: o.manager,
          apiVersion: o.apiVersion,
          path: p,
        });
    }
  }
  if (conflicts.length) return { object: live, conflicts };

  const merged = applyMerge(live, applied) as KubeObject;
  // Fields this manager applied before but no longer does, and nobody else owns, are removed.
  for (const k of me.fields) {
    if (newKeys.has(k)) continue;
    if (owners.some(o => o !== me && o.fields.has(k))) continue;
    deleteAt(merged as unknown as Obj, keyPath(k));
  }
  const changedOwnership =
    me.fields.size !== newKeys.size ||
    [...newKeys].some(k => !me.fields.has(k));
  me.fields = newKeys;
  if (changedOwnership || !deepEqual(stripMeta(live), stripMeta(merged))) {
    me.time = new Date().toISOString();
  }
  merged.metadata.managedFields = toManagedFields(owners);
  return { object: merged, conflicts: [] };
}

function stripMeta(o: KubeObject) {
  const { managedFields: _m, ...meta } = o.metadata;
  return { ...o, metadata: meta };
}

/** Merge for apply: objects recurse, keyed lists merge by key, everything else is replaced. */
function applyMerge(live: unknown, applied: unknown, field = ''): unknown {
  if (isPlainObject(applied)) {
    const out: Obj = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = applyMerge(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const key = mergeKeyFor(field, [...applied, ...live]);
    if (key) {
      const out = [...live];
      for (const el of applied) {
        if (!isPlainObject(el)) continue;
        const idx = out.findIndex(m => isPlainObject(m) && m[key] === el[key]);
        if (idx >= 0) out[idx] = applyMerge(out[idx], el);
        else out.push(applyMerge(undefined, el));
      }
      return out;
    }
  }
  return applied === undefined ? live : JSON.parse(JSON.stringify(applied));
}
