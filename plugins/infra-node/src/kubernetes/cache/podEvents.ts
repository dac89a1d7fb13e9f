import { CachedMeta, meta, WatchedObject } from './trim';

/**
 * A Kubernetes Event about a pod (core/v1 `Event`), trimmed to what a board shows: why a pod is
 * pending or failing. Repeats are folded by the reporter into `count` (kubelet) or `series`
 * (scheduler); both read as `count` here.
 *
 * @public
 */
export interface CachedPodEvent extends CachedMeta {
  /** The pod's uid (`involvedObject.uid`). */
  podUid: string;
  /** The pod's name. */
  pod: string;
  /** The pod's owner (its ReplicaSet), when the pod was in the cache as the event came. */
  owner?: string;
  type: 'Normal' | 'Warning';
  reason: string;
  /** At most {@link MAX_EVENT_MESSAGE} characters. */
  message: string;
  count: number;
  /** ISO times. */
  firstSeen?: string;
  lastSeen?: string;
  /** `kubelet`, `default-scheduler`, … */
  source?: string;
}

/** Longer messages (a pull error can hold a long registry answer) are cut. */
export const MAX_EVENT_MESSAGE = 500;
/** Events kept per pod: the newest, warnings before normal events. */
export const EVENTS_PER_POD = 5;

/** Only events about pods are listed and watched (the server filters). */
export const POD_EVENTS_FIELD_SELECTOR = 'involvedObject.kind=Pod';

interface EventObject extends WatchedObject {
  involvedObject?: { kind?: string; name?: string; uid?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: Date | string | null;
  lastTimestamp?: Date | string | null;
  eventTime?: Date | string | null;
  series?: { count?: number; lastObservedTime?: Date | string };
  source?: { component?: string };
  reportingComponent?: string;
}

function iso(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' && value ? value : undefined;
}

export function trimPodEvent(o: WatchedObject): CachedPodEvent {
  const e = o as EventObject;
  const involved = e.involvedObject ?? {};
  const created = iso(e.metadata?.creationTimestamp);
  const first = iso(e.firstTimestamp) ?? iso(e.eventTime) ?? created;
  const message = String(e.message ?? '');
  const m = meta(o);
  return {
    // one literal: see `meta`
    uid: m.uid,
    name: m.name,
    namespace: m.namespace,
    labels: m.labels,
    createdAt: m.createdAt,
    deleting: m.deleting,
    podUid: involved.uid ?? '',
    pod: involved.name ?? '',
    type: e.type === 'Warning' ? 'Warning' : 'Normal',
    reason: String(e.reason ?? ''),
    message:
      message.length > MAX_EVENT_MESSAGE
        ? `${message.slice(0, MAX_EVENT_MESSAGE - 1)}…`
        : message,
    count: Math.max(1, e.series?.count ?? e.count ?? 1),
    firstSeen: first,
    lastSeen: iso(e.series?.lastObservedTime) ?? iso(e.lastTimestamp) ?? first,
    source: e.reportingComponent || e.source?.component || undefined,
  };
}

const newestFirst = (a: CachedPodEvent, b: CachedPodEvent) =>
  (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '') ||
  b.name.localeCompare(a.name);

/**
 * The last {@link EVENTS_PER_POD} events of each pod in one cluster, warnings kept before normal
 * events. Bounded: an event of a pod
 * that the cache does not hold (gone, or never seen once pods are listed) is not kept, and a
 * pod's events go with the pod.
 */
export class PodEventIndex {
  private readonly byPod = new Map<string, CachedPodEvent[]>();

  constructor(private readonly perPod = EVENTS_PER_POD) {}

  /** Keeps the event if it is among the newest of its pod; false when it was dropped. */
  put(event: CachedPodEvent): boolean {
    if (!event.podUid) return false;
    const list = (this.byPod.get(event.podUid) ?? []).filter(
      e => e.uid !== event.uid,
    );
    list.push(event);
    list.sort(newestFirst);
    // Over the bound, the oldest normal event goes first: why a pod failed (a pull error, a
    // back-off) outlives the Pulling/Started of its recovery.
    while (list.length > this.perPod) {
      const normal = list.map(e => e.type).lastIndexOf('Normal');
      list.splice(normal >= 0 ? normal : list.length - 1, 1);
    }
    this.byPod.set(event.podUid, list);
    return list.includes(event);
  }

  remove(event: CachedPodEvent) {
    const list = this.byPod.get(event.podUid);
    if (!list) return;
    const rest = list.filter(e => e.uid !== event.uid);
    if (rest.length) this.byPod.set(event.podUid, rest);
    else this.byPod.delete(event.podUid);
  }

  /** Replaces everything (after a relist of the events). */
  reset(events: Iterable<CachedPodEvent>) {
    this.byPod.clear();
    for (const e of events) this.put(e);
  }

  /** Drops a pod's events (the pod is gone). */
  dropPod(podUid: string) {
    this.byPod.delete(podUid);
  }

  /** Drops a pod's Normal events, keeping its warnings (the pod is ready). */
  keepWarnings(podUid: string) {
    const list = this.byPod.get(podUid);
    if (!list || list.every(e => e.type === 'Warning')) return;
    const warnings = list.filter(e => e.type === 'Warning');
    if (warnings.length) this.byPod.set(podUid, warnings);
    else this.byPod.delete(podUid);
  }

  /** Drops the events of every pod not in `pods` (after a relist of the pods). */
  retainPods(isPod: (uid: string) => boolean) {
    for (const uid of this.byPod.keys()) {
      if (!isPod(uid)) this.byPod.delete(uid);
    }
  }

  /** Newest first. */
  of(podUid: string): readonly CachedPodEvent[] {
    return this.byPod.get(podUid) ?? [];
  }

  /** Events held, over all pods. */
  size(): number {
    let n = 0;
    for (const list of this.byPod.values()) n += list.length;
    return n;
  }

  /** Pods with events held. */
  pods(): number {
    return this.byPod.size;
  }
}
