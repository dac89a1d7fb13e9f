import { randomBytes, randomUUID } from 'node:crypto';
import YAML from 'yaml';
import { applyConfiguration, describePath, trackUpdate } from './fields';
import { KindInfo, KindRegistry, apiVersionOf, parseApiVersion } from './kinds';
import {
  clone,
  deepEqual,
  isPlainObject,
  jsonPatch,
  mergePatch,
  strategicMergePatch,
} from './patch';
import {
  alreadyExists,
  badRequest,
  conflict,
  notFound,
  statusError,
} from './status';
import { ObjectStore } from './store';
import type { KubeObject } from './types';
import { validateObject } from './validation';

export interface WriteOptions {
  /** The field manager; defaults like the real server's (from the user agent). */
  manager?: string;
  /** `status` to write only the status subresource. */
  subresource?: string;
  dryRun?: boolean;
  /** The API version the request came through. */
  version?: string;
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/**
 * The patch types a resource accepts, in the order the real server lists
 * them: apiserver/pkg/endpoints/installer.go (built-ins: json, merge,
 * strategic, apply) and apiextensions-apiserver/pkg/apiserver/
 * customresource_handler.go (custom resources: no strategic merge patch).
 */
export function supportedPatchTypes(info: KindInfo): string[] {
  return info.crd
    ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply]
    : [
        PATCH_TYPES.json,
        PATCH_TYPES.merge,
        PATCH_TYPES.strategic,
        PATCH_TYPES.apply,
      ];
}

/**
 * 415 for a patch type the resource does not accept, checked before anything
 * else like the real `PatchResource` handler
 * (apiserver/pkg/endpoints/handlers/patch.go, `negotiation.NewUnsupportedMediaTypeError`).
 */
export function checkPatchType(info: KindInfo, contentType: string): string {
  const type = contentType.split(';')[0].trim();
  const supported = supportedPatchTypes(info);
  if (!supported.includes(type)) {
    throw statusError(
      415,
      `the body of the request was in an unknown format - accepted media types include: ${supported.join(
        ', ',
      )}`,
      'UnsupportedMediaType',
    );
  }
  return type;
}

/** Spec-like content: everything but identity, metadata and status. */
function specOf(obj: KubeObject) {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function randomSuffix(n = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

/** The semantics of one cluster's API, shared by the HTTP layer, controllers and the control API. */
export class ClusterState {
  readonly store: ObjectStore;

  constructor(readonly registry: KindRegistry, historySize?: number) {
    this.store = new ObjectStore(registry, historySize);
  }

  kind(apiVersion: string, kind: string): KindInfo {
    const info = this.registry.byApiVersionKind(apiVersion, kind);
    if (!info)
      throw statusError(
        404,
        `no matches for kind "${kind}" in version "${apiVersion}"`,
        'NotFound',
      );
    return info;
  }

  get(info: KindInfo, namespace: string, name: string): KubeObject {
    const obj = this.store.get(info, namespace, name);
    if (!obj) throw notFound(info.resource, name, info.group);
    return obj;
  }

  private requireNamespace(info: KindInfo, namespace: string) {
    if (!info.namespaced) return;
    if (!this.store.get(this.kind('v1', 'Namespace'), '', namespace)) {
      throw notFound('namespaces', namespace);
    }
  }

  /** Finishes and stores a write, or returns `before` when nothing would change. */
  private commit(
    info: KindInfo,
    before: KubeObject | undefined,
    after: KubeObject,
    opts: WriteOptions & { track: boolean },
  ): KubeObject {
    const version = opts.version ?? info.versions[0];
    after.apiVersion = apiVersionOf(info.group, version);
    after.kind = info.kind;
    if (before) {
      after.metadata.uid = before.metadata.uid;
      after.metadata.creationTimestamp = before.metadata.creationTimestamp;
      after.metadata.name = before.metadata.name;
      after.metadata.namespace = before.metadata.namespace;
      after.metadata.generation = before.metadata.generation;
      if (before.metadata.deletionTimestamp)
        after.metadata.deletionTimestamp = before.metadata.deletionTimestamp;
      // Pods do not use generation for spec changes (binding sets nodeName).
      if (info.kind !== 'Pod' && !deepEqual(specOf(before), specOf(after))) {
        after.metadata.generation = (before.metadata.generation ?? 1) + 1;
      }
    } else {
      after.metadata.uid = randomUUID();
      after.metadata.creationTimestamp = new Date()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      after.metadata.generation = 1;
    }
    if (opts.track) {
      trackUpdate({
        before,
        after,
        manager: opts.manager ?? 'unknown',
        apiVersion: after.apiVersion,
        subresource: opts.subresource,
      });
    }
    if (before) {
      after.metadata.resourceVersion = before.metadata.resourceVersion;
      if (ObjectStore.same(before, after)) return before;
    } else {
      delete after.metadata.resourceVersion;
    }
    if (opts.dryRun) return after;
    return this.store.put(info, after);
  }

  private prepareIncoming(
    info: KindInfo,
    raw: unknown,
    namespace: string | undefined,
  ): KubeObject {
    if (!isPlainObject(raw))
      throw badRequest('the body of the request was not a JSON object');
    const obj = clone(raw) as KubeObject;
    if (!isPlainObject(obj.metadata)) obj.metadata = {};
    if (info.namespaced && namespace && !obj.metadata.namespace)
      obj.metadata.namespace = namespace;
    if (!info.namespaced) delete obj.metadata.namespace;
    return obj;
  }

  create(
    info: KindInfo,
    raw: unknown,
    namespace: string | undefined,
    opts: WriteOptions = {},
  ): KubeObject {
    const version = opts.version ?? info.versions[0];
    const obj = this.prepareIncoming(info, raw, namespace);
    validateObject({ info, version, obj, namespace, creating: true });
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    }
    const ns = info.namespaced ? obj.metadata.namespace ?? 'default' : '';
    if (info.namespaced) obj.metadata.namespace = ns;
    this.requireNamespace(info, ns);
    if (this.store.get(info, ns, obj.metadata.name!)) {
      throw alreadyExists(info.resource, obj.metadata.name!, info.group);
    }
    // Status is the controllers' to write, as with a status subresource.
    if (info.status) delete obj.status;
    delete obj.metadata.managedFields;
    applyCreateDefaults(info, obj);
    return this.commit(info, undefined, obj, { ...opts, track: true });
  }

  /** PUT: replaces the object; a stale resourceVersion is a 409 Conflict. */
  update(
    info: KindInfo,
    raw: unknown,
    namespace: string,
    name: string,
    opts: WriteOptions = {},
  ): KubeObject {
    const version = opts.version ?? info.versions[0];
    const obj = this.prepareIncoming(info, raw, namespace);
    validateObject({ info, version, obj, namespace, name, creating: false });
    const before = this.get(info, info.namespaced ? namespace : '', name);
    checkPrecondition(info, name, obj, before);
    return this.replace(info, before, obj, opts);
  }

  private replace(
    info: KindInfo,
    before: KubeObject,
    incoming: KubeObject,
    opts: WriteOptions,
  ): KubeObject {
    let obj = incoming;
    if (opts.subresource === 'status') {
      obj = { ...clone(before), status: incoming.status };
    } else if (info.status) {
      obj.status = before.status;
    }
    if (!isPlainObject(obj.metadata)) obj.metadata = {};
    obj.metadata.managedFields = before.metadata.managedFields;
    return this.commit(info, before, obj, { ...opts, track: true });
  }

  patch(
    info: KindInfo,
    namespace: string,
    name: string,
    contentType: string,
    body: string,
    opts: WriteOptions & { force?: boolean } = {},
  ): KubeObject {
    const ns = info.namespaced ? namespace : '';
    const type = checkPatchType(info, contentType);
    if (type === PATCH_TYPES.apply) {
      return this.apply(info, ns, name, body, opts);
    }
    if (opts.force) {
      throw badRequest('force is only allowed for apply patches');
    }
    const before = this.get(info, ns, name);
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    let after: unknown;
    switch (type) {
      case PATCH_TYPES.json:
        after = jsonPatch(before, patch);
        break;
      case PATCH_TYPES.merge:
        after = mergePatch(before, patch);
        break;
      default:
        after = strategicMergePatch(before, patch);
    }
    const obj = clone(after) as KubeObject;
    if (!isPlainObject(obj) || !isPlainObject(obj.metadata))
      throw badRequest('patch produced an invalid object');
    const version = opts.version ?? info.versions[0];
    validateObject({
      info,
      version,
      obj,
      namespace: ns || undefined,
      name,
      creating: false,
    });
    checkPrecondition(info, name, obj, before);
    return this.replace(info, before, obj, opts);
  }

  /** Server-side apply. */
  apply(
    info: KindInfo,
    namespace: string,
    name: string,
    body: string,
    opts: WriteOptions & { force?: boolean },
  ): KubeObject {
    if (!opts.manager) {
      throw statusError(
        422,
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        'Invalid',
        {
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = YAML.parse(body);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    const applied = this.prepareIncoming(info, parsed, namespace || undefined);
    const version = opts.version ?? info.versions[0];
    if (!applied.apiVersion || !applied.kind) {
      throw badRequest(
        'apiVersion and kind must be set in an apply configuration',
      );
    }
    validateObject({
      info,
      version,
      obj: applied,
      namespace: namespace || undefined,
      name,
      creating: false,
    });
    if (applied.metadata.managedFields) {
      throw badRequest('metadata.managedFields must be nil');
    }
    const before = this.store.get(info, namespace, name);
    if (opts.subresource !== 'status' && info.status) delete applied.status;
    if (!before) {
      this.requireNamespace(info, namespace);
      const base: KubeObject = {
        apiVersion: applied.apiVersion,
        kind: applied.kind,
        metadata: { name, ...(info.namespaced ? { namespace } : {}) },
      };
      const { object } = applyConfiguration({
        live: base,
        applied,
        manager: opts.manager,
        apiVersion: applied.apiVersion,
        force: true,
        subresource: opts.subresource,
      });
      applyCreateDefaults(info, object);
      return this.commit(info, undefined, object, { ...opts, track: false });
    }
    checkPrecondition(info, name, applied, before);
    const { object, conflicts } = applyConfiguration({
      live: clone(before),
      applied,
      manager: opts.manager,
      apiVersion: applied.apiVersion,
      force: !!opts.force,
      subresource: opts.subresource,
    });
    if (conflicts.length) {
      const causes = conflicts.map(c => ({
        type: 'FieldManagerConflict',
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}"${
          c.apiVersion !== applied.apiVersion ? ` using ${c.apiVersion}` : ''
        }`,
        field: describePath(c.path),
      }));
      const lines = causes.map(c => `- ${c.message}: ${c.field}`).join('\n');
      throw statusError(
        409,
        `Apply failed with ${causes.length} conflict${
          causes.length > 1 ? 's' : ''
        }: ${
          causes.length === 1
            ? `${causes[0].message}: ${causes[0].field}`
            : `\n${lines}`
        }`,
        'Conflict',
        {
          name,
          group: info.group || undefined,
          kind: info.resource,
          causes,
        },
      );
    }
    return this.commit(info, before, object, { ...opts, track: false });
  }

  /** Deletes an object and (in the background, like the garbage collector) its dependents. */
  delete(
    info: KindInfo,
    namespace: string,
    name: string,
    opts: { dryRun?: boolean } = {},
  ): KubeObject {
    const ns = info.namespaced ? namespace : '';
    const existing = this.get(info, ns, name);
    if (opts.dryRun) return existing;
    const gone = this.store.remove(info, ns, name)!;
    this.collectGarbage(existing);
    if (info.kind === 'Namespace') {
      for (const k of this.registry.kinds) {
        if (!k.namespaced || k.derived || k.review) continue;
        for (const o of this.store.list(k, name)) {
          this.store.remove(k, name, o.metadata.name!);
        }
      }
    }
    return gone;
  }

  private collectGarbage(owner: KubeObject) {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const { info, object } of this.store.dependentsOf(uid)) {
      const refs = (object.metadata.ownerReferences ?? []).filter(
        r => r.uid !== uid,
      );
      if (refs.length === 0) {
        this.store.remove(
          info,
          object.metadata.namespace ?? '',
          object.metadata.name!,
        );
        this.collectGarbage(object);
      }
    }
  }

  /**
   * A controller's write: merges `partial` (status included) into the object,
   * or creates it. Used by the simulated controllers and `POST /_sandbox/objects`.
   */
  writeAsController(partial: KubeObject, manager: string): KubeObject {
    if (!partial.apiVersion || !partial.kind)
      throw badRequest('apiVersion and kind are required');
    const info = this.kind(partial.apiVersion, partial.kind);
    const { version } = parseApiVersion(partial.apiVersion);
    const ns = info.namespaced ? partial.metadata?.namespace ?? 'default' : '';
    const name = partial.metadata?.name;
    if (!name) throw badRequest('metadata.name is required');
    const before = this.store.get(info, ns, name);
    if (!before) {
      const obj = clone(partial);
      obj.metadata.namespace = info.namespaced ? ns : undefined;
      validateObject({
        info,
        version,
        obj,
        namespace: ns || undefined,
        creating: true,
      });
      this.requireNamespace(info, ns);
      applyCreateDefaults(info, obj);
      return this.commit(info, undefined, obj, {
        manager,
        version,
        track: true,
      });
    }
    const after = mergePatch(before, stripIdentity(partial)) as KubeObject;
    return this.commit(info, before, after, { manager, version, track: true });
  }

  /** A controller's write of the whole status (fields it leaves out are removed). */
  writeStatus(
    info: KindInfo,
    namespace: string,
    name: string,
    status: unknown,
    manager: string,
  ): KubeObject | undefined {
    const before = this.store.get(info, info.namespaced ? namespace : '', name);
    if (!before) return undefined;
    const after: KubeObject = {
      ...before,
      metadata: { ...before.metadata },
      status: clone(status),
    };
    return this.commit(info, before, after, {
      manager,
      subresource: 'status',
      track: true,
    });
  }

  /** Inserts fixture objects as they are (status, managedFields and all). */
  insertFixture(objects: unknown[], opts: { silent: boolean }): number {
    let n = 0;
    for (const raw of objects) {
      if (
        !isPlainObject(raw) ||
        typeof raw.apiVersion !== 'string' ||
        typeof raw.kind !== 'string'
      ) {
        throw badRequest('every fixture object needs apiVersion and kind');
      }
      const info = this.kind(raw.apiVersion, raw.kind);
      const obj = raw as KubeObject;
      if (!isPlainObject(obj.metadata) || !obj.metadata.name)
        throw badRequest('every fixture object needs metadata.name');
      // Fixture objects are not shared with the caller: copy the top level and metadata.
      const copy: KubeObject = { ...obj, metadata: { ...obj.metadata } };
      if (info.namespaced) copy.metadata.namespace ??= 'default';
      else delete copy.metadata.namespace;
      copy.metadata.uid ??= randomUUID();
      copy.metadata.creationTimestamp ??= new Date()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      copy.metadata.generation ??= 1;
      applyCreateDefaults(info, copy);
      this.store.put(info, copy, { silent: opts.silent });
      n++;
    }
    return n;
  }
}

function stripIdentity(o: KubeObject): KubeObject {
  const {
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    generation: _g,
    ...meta
  } = o.metadata ?? {};
  return { ...o, metadata: meta };
}

let ipCounter = 10;

/** Defaults the real server or an admission step would fill in. */
function applyCreateDefaults(info: KindInfo, obj: KubeObject) {
  if (info.kind === 'Service') {
    // Copy first: fixture objects share nested parts with the caller's array.
    const spec = { ...((obj.spec ?? {}) as Record<string, unknown>) };
    obj.spec = spec;
    spec.type ??= 'ClusterIP';
    if (spec.type !== 'ExternalName' && !spec.clusterIP) {
      ipCounter = (ipCounter + 1) % 65000;
      spec.clusterIP = `10.96.${Math.floor(ipCounter / 250)}.${
        (ipCounter % 250) + 2
      }`;
      spec.clusterIPs = [spec.clusterIP];
    }
    spec.sessionAffinity ??= 'None';
  }
  if (info.kind === 'Namespace') {
    obj.metadata.labels = {
      ...(obj.metadata.labels ?? {}),
      'kubernetes.io/metadata.name': obj.metadata.name!,
    };
    obj.spec ??= { finalizers: ['kubernetes'] };
    obj.status ??= { phase: 'Active' };
  }
  if (info.kind === 'Pod') {
    obj.status ??= { phase: 'Pending', qosClass: 'Burstable' };
  }
}

/** An update that names a resourceVersion must name the current one (optimistic concurrency). */
function checkPrecondition(
  info: { resource: string; group: string },
  name: string,
  obj: KubeObject,
  before: KubeObject,
) {
  const rv = obj.metadata.resourceVersion;
  if (rv && rv !== before.metadata.resourceVersion) {
    throw conflict(
      info.resource,
      name,
      info.group,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
}
