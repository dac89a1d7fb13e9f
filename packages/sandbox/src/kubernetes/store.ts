import { randomUUID } from 'node:crypto';
import { KindInfo, KindRegistry, kindKey } from './kinds';
import { deepEqual } from './patch';
import type { KubeObject } from './types';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as kept in the watch history. */
export interface StoreEvent {
  rv: number;
  type: EventType;
  /** Storage key of the kind (`apps/deployments`). */
  kind: string;
  object: KubeObject;
  /** The object before a MODIFIED event (for selector transitions). */
  old?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

/** Where a failing listener's error goes (the other listeners still get the event). */
export type ListenerErrorHandler = (error: unknown, event: StoreEvent) => void;

/**
 * Objects of one cluster, keyed by kind / namespace / name, with one
 * resourceVersion counter and a bounded history of events for watches.
 * Stored objects are never mutated in place: every write stores a new object,
 * so history entries and list results can share them safely.
 */
export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<
    string,
    Map<string, Map<string, KubeObject>>
  >();
  /** owner uid → dependents (`kind|namespace|name`) */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly history: Array<StoreEvent | undefined>;
  private head = 0;
  private size = 0;
  /** Events with rv ≤ this may have been evicted from the history. */
  private evictedUpTo = 0;
  private readonly listeners = new Set<StoreListener>();
  /** Reports an error thrown by a listener; logs by default (the server routes it to its ProblemLog). */
  onListenerError: ListenerErrorHandler = (error, event) =>
    console.warn(
      `[sandbox] store listener failed on ${event.type} ${event.kind} ${
        event.object.metadata.namespace ?? ''
      }/${event.object.metadata.name}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  private readonly pending: StoreEvent[] = [];
  private notifying = false;

  constructor(readonly registry: KindRegistry, historySize = 10_000) {
    this.history = new Array(Math.max(1, historySize));
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may start from. */
  get oldestWatchableVersion(): number {
    return this.evictedUpTo;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(info: KindInfo, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(kindKey(info))?.get(namespace)?.get(name);
  }

  /** Objects of a kind, in one namespace or all, sorted by namespace and name like etcd keys. */
  list(info: KindInfo, namespace?: string): KubeObject[] {
    const byNs = this.objects.get(kindKey(info));
    if (!byNs) return [];
    const out: KubeObject[] = [];
    const namespaces =
      namespace !== undefined ? [namespace] : [...byNs.keys()].sort();
    for (const ns of namespaces) {
      const m = byNs.get(ns);
      if (!m) continue;
      const names = [...m.keys()].sort();
      for (const n of names) out.push(m.get(n)!);
    }
    return out;
  }

  count(info: KindInfo, namespace?: string): number {
    const byNs = this.objects.get(kindKey(info));
    if (!byNs) return 0;
    if (namespace !== undefined) return byNs.get(namespace)?.size ?? 0;
    let n = 0;
    for (const m of byNs.values()) n += m.size;
    return n;
  }

  /** Objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): Array<{ info: KindInfo; object: KubeObject }> {
    const keys = this.dependents.get(uid);
    if (!keys) return [];
    const out: Array<{ info: KindInfo; object: KubeObject }> = [];
    for (const key of keys) {
      const [kk, ns, name] = key.split('|');
      const info = this.kindByKey(kk);
      const obj = info && this.get(info, ns, name);
      if (info && obj) out.push({ info, object: obj });
    }
    return out;
  }

  /** Stores an object (new or replacing), assigning the next resourceVersion. */
  put(
    info: KindInfo,
    obj: KubeObject,
    opts: { silent?: boolean } = {},
  ): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    const old = this.get(info, ns, name);
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    obj.metadata.uid ??= randomUUID();
    this.setRaw(info, obj, old);
    if (!opts.silent) {
      this.record({
        rv: this.rv,
        type: old ? 'MODIFIED' : 'ADDED',
        kind: kindKey(info),
        object: obj,
        old,
      });
    }
    return obj;
  }

  remove(
    info: KindInfo,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    const byNs = this.objects.get(kindKey(info));
    const old = byNs?.get(namespace)?.get(name);
    if (!old) return undefined;
    byNs!.get(namespace)!.delete(name);
    if (byNs!.get(namespace)!.size === 0) byNs!.delete(namespace);
    this.unindex(info, old);
    this.rv += 1;
    // The DELETED event carries the last state with the deletion's resourceVersion.
    const gone: KubeObject = {
      ...old,
      metadata: { ...old.metadata, resourceVersion: String(this.rv) },
    };
    this.record({
      rv: this.rv,
      type: 'DELETED',
      kind: kindKey(info),
      object: gone,
    });
    return gone;
  }

  /** Empties the store and the history; the counter keeps increasing. */
  clear(): void {
    this.objects.clear();
    this.dependents.clear();
    this.history.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.evictedUpTo = this.rv;
  }

  /** Marks everything up to now as evicted, so older watches get 410. */
  forgetHistory(): void {
    this.history.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.evictedUpTo = this.rv;
  }

  /** Events after `rv` for one kind, or undefined when they are no longer all in the history. */
  eventsSince(rv: number, kind: string): StoreEvent[] | undefined {
    if (rv < this.evictedUpTo) return undefined;
    const out: StoreEvent[] = [];
    const cap = this.history.length;
    for (let i = 0; i < this.size; i++) {
      const ev = this.history[(this.head + i) % cap]!;
      if (ev.rv > rv && ev.kind === kind) out.push(ev);
    }
    return out;
  }

  /** True when the object would not change (resourceVersion aside). */
  static same(a: KubeObject, b: KubeObject): boolean {
    const { resourceVersion: _a, ...am } = a.metadata;
    const { resourceVersion: _b, ...bm } = b.metadata;
    return deepEqual({ ...a, metadata: am }, { ...b, metadata: bm });
  }

  private kindByKey(key: string): KindInfo | undefined {
    return this.registry.kinds.find(k => kindKey(k) === key);
  }

  private setRaw(info: KindInfo, obj: KubeObject, old: KubeObject | undefined) {
    const kk = kindKey(info);
    let byNs = this.objects.get(kk);
    if (!byNs) {
      byNs = new Map();
      this.objects.set(kk, byNs);
    }
    const ns = obj.metadata.namespace ?? '';
    let m = byNs.get(ns);
    if (!m) {
      m = new Map();
      byNs.set(ns, m);
    }
    m.set(obj.metadata.name!, obj);
    if (old) this.unindex(info, old);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) {
        set = new Set();
        this.dependents.set(ref.uid, set);
      }
      set.add(`${kk}|${ns}|${obj.metadata.name}`);
    }
  }

  private unindex(info: KindInfo, obj: KubeObject) {
    const key = `${kindKey(info)}|${obj.metadata.namespace ?? ''}|${
      obj.metadata.name
    }`;
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(key);
      if (set && set.size === 0) this.dependents.delete(ref.uid);
    }
  }

  private record(ev: StoreEvent) {
    const cap = this.history.length;
    if (this.size === cap) {
      this.evictedUpTo = this.history[this.head]!.rv;
      this.history[this.head] = ev;
      this.head = (this.head + 1) % cap;
    } else {
      this.history[(this.head + this.size) % cap] = ev;
      this.size += 1;
    }
    // Listeners may write (controllers do); deliver in order, never re-entrantly,
    // so every listener sees events in resourceVersion order.
    this.pending.push(ev);
    if (this.notifying) return;
    this.notifying = true;
    try {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        for (const l of this.listeners) {
          try {
            l(e);
          } catch (error) {
            // A failing listener must not stop the others from seeing the event,
            // nor go unnoticed.
            this.onListenerError(error, e);
          }
        }
      }
    } finally {
      this.notifying = false;
    }
  }
}
