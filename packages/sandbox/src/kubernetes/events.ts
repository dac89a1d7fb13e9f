import { randomBytes } from 'node:crypto';
import type { ClusterState } from './cluster';
import type { KindInfo } from './kinds';
import type { KubeObject } from './types';

/*
 * Kubernetes Events, as the kubelet and the scheduler write them, and their two shapes.
 *
 * Storage is core/v1 (`/api/v1/namespaces/{ns}/events`); events.k8s.io/v1 serves the same objects
 * renamed, as the apiserver converts between them (kubernetes/kubernetes
 * pkg/apis/events/v1/conversion.go): involvedObject ↔ regarding, message ↔ note, source ↔
 * deprecatedSource, count / firstTimestamp / lastTimestamp ↔ deprecatedCount /
 * deprecatedFirstTimestamp / deprecatedLastTimestamp, reportingComponent ↔ reportingController.
 *
 * The kubelet records through the old API (client-go tools/record): one object per distinct
 * (source, object, fieldPath, type, reason, message), named `<object>.<hex time>`, whose `count`
 * and `lastTimestamp` grow on each repeat (EventCorrelator's EventLogger, keyed like
 * getEventKey). The scheduler records through the new API (client-go tools/events): `eventTime`,
 * `reportingController: default-scheduler`, `action`, and a repeat becomes `series: {count,
 * lastObservedTime}` instead of a count.
 */

type Rec = Record<string, unknown>;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
/** `eventTime` is a MicroTime: RFC 3339 with six fractional digits. */
const microNow = () => new Date().toISOString().replace(/Z$/, '000Z');

/** The fields of events.k8s.io/v1 that are renamed fields of core/v1, new name → old name. */
const RENAMED: Array<[string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedCount', 'count'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['reportingController', 'reportingComponent'],
];

/** A stored (core/v1) Event in the events.k8s.io/v1 shape. */
export function toEventsV1(core: KubeObject, apiVersion: string): KubeObject {
  const out: KubeObject = { ...core, apiVersion, kind: 'Event' };
  for (const [next, old] of RENAMED) {
    delete out[old];
    if (core[old] !== undefined && core[old] !== null) out[next] = core[old];
  }
  return out;
}

/** An events.k8s.io/v1 Event as stored (core/v1). */
export function fromEventsV1(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const v1 = body as Rec;
  const out: Rec = { ...v1, apiVersion: 'v1', kind: 'Event' };
  for (const [next, old] of RENAMED) {
    delete out[next];
    if (v1[next] !== undefined) out[old] = v1[next];
  }
  return out;
}

/**
 * A field selector of events.k8s.io/v1 in terms of the stored fields, as the apiserver converts its
 * field labels (pkg/registry/core/event/strategy + the events.k8s.io/v1 field label conversions):
 * `regarding.*` → `involvedObject.*`, `reportingController` → `reportingComponent`.
 */
export function eventsV1FieldSelector(selector: string | null): string | null {
  if (!selector) return selector;
  return selector.replace(
    /(^|,)\s*(regarding|reportingController)(?=[.!=\s])/g,
    (_, sep: string, field: string) =>
      `${sep}${
        field === 'regarding' ? 'involvedObject' : 'reportingComponent'
      }`,
  );
}

/** What an Event is about. */
export interface InvolvedObject {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion?: string;
  /** `spec.containers{app}` for events about one container. */
  fieldPath?: string;
}

export interface RecordedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The object an Event names, from the object itself. */
export function involved(o: KubeObject, fieldPath?: string): InvolvedObject {
  return {
    kind: o.kind ?? 'Pod',
    apiVersion: o.apiVersion ?? 'v1',
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name!,
    uid: o.metadata.uid!,
    resourceVersion: o.metadata.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

/**
 * Writes Events into one cluster's store like the kubelet (old API, counted) and the scheduler
 * (new API, series), and removes them after their time to live like the apiserver's `--event-ttl`.
 */
export class EventRecorder {
  private readonly info: KindInfo;
  /** Aggregation key → event name, as the kubelet's EventLogger cache. */
  private readonly names = new Map<string, string>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: ClusterState,
    private readonly ttlMs: number,
  ) {
    this.info = state.kind('v1', 'Event');
  }

  start() {
    this.sweeper ??= setInterval(
      () => this.sweep(),
      Math.max(50, Math.min(60_000, this.ttlMs / 4)),
    );
    this.sweeper.unref();
  }

  stop() {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.names.clear();
  }

  /** An event of the kubelet on `host` (old API): a repeat adds to `count`. */
  kubelet(object: InvolvedObject, host: string, event: RecordedEvent) {
    const source = { component: 'kubelet', host };
    const key = [
      'kubelet',
      host,
      object.uid,
      object.fieldPath ?? '',
      event.type,
      event.reason,
      event.message,
    ].join('\0');
    const existing = this.existing(key, object.namespace);
    const t = now();
    if (existing) {
      return this.repeat(existing, 'kubelet', {
        count: Number(existing.count ?? 1) + 1,
        lastTimestamp: t,
      });
    }
    return this.create(key, object, 'kubelet', {
      ...event,
      source,
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: host,
    });
  }

  /** An event of the scheduler (new API): a repeat becomes a `series`. */
  scheduler(object: InvolvedObject, action: string, event: RecordedEvent) {
    const key = [
      'default-scheduler',
      object.uid,
      event.type,
      event.reason,
      event.message,
    ].join('\0');
    const existing = this.existing(key, object.namespace);
    if (existing) {
      const series = existing.series as { count?: number } | undefined;
      return this.repeat(existing, 'kube-scheduler', {
        series: {
          count: (series?.count ?? 1) + 1,
          lastObservedTime: microNow(),
        },
      });
    }
    return this.create(key, object, 'kube-scheduler', {
      ...event,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: microNow(),
      action,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-sandbox',
    });
  }

  /** Writes a repeat into the event that recorded it first (the reporter's patch). */
  private repeat(existing: KubeObject, manager: string, fields: Rec) {
    return this.state.writeAsController(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: existing.metadata.name,
          namespace: existing.metadata.namespace,
        },
        ...fields,
      },
      manager,
    );
  }

  /** Forgets what was recorded for an object (it is gone); its Events stay until their TTL. */
  forget(uid: string) {
    for (const key of this.names.keys()) {
      if (key.split('\0').includes(uid)) this.names.delete(key);
    }
  }

  /** Deletes Events last seen longer than the TTL ago. */
  sweep() {
    const cutoff = Date.now() - this.ttlMs;
    for (const e of this.state.store.list(this.info)) {
      if (lastSeen(e) < cutoff) {
        this.state.store.remove(
          this.info,
          e.metadata.namespace ?? '',
          e.metadata.name!,
        );
      }
    }
    // Keys whose event is gone start a new one.
    for (const [key, name] of this.names) {
      if (!this.findByName(name)) this.names.delete(key);
    }
  }

  /** `namespace\0name` → the stored Event. */
  private findByName(ref: string): KubeObject | undefined {
    const [namespace, name] = ref.split('\0');
    return this.state.store.get(this.info, namespace, name);
  }

  private existing(key: string, namespace: string): KubeObject | undefined {
    const name = this.names.get(key);
    if (!name) return undefined;
    const found = this.findByName(name);
    if (!found || found.metadata.namespace !== namespace) {
      this.names.delete(key);
      return undefined;
    }
    return found;
  }

  private create(
    key: string,
    object: InvolvedObject,
    manager: string,
    fields: Rec,
  ): KubeObject {
    // client-go names an event after its object and the time in nanoseconds, in hex.
    const nanos =
      BigInt(Date.now()) * 1_000_000n +
      BigInt(randomBytes(3).readUIntBE(0, 3) % 1_000_000);
    const name = `${object.name}.${nanos.toString(16)}`;
    const created = this.state.create(
      this.info,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: object.namespace },
        involvedObject: object,
        ...fields,
      },
      object.namespace,
      { manager },
    );
    this.names.set(key, `${object.namespace}\0${name}`);
    return created;
  }
}

/** When an Event last happened, in ms (series, then lastTimestamp, then eventTime, then creation). */
export function lastSeen(e: KubeObject): number {
  const series = e.series as { lastObservedTime?: string } | undefined;
  const t =
    series?.lastObservedTime ??
    (e.lastTimestamp as string | null | undefined) ??
    (e.eventTime as string | null | undefined) ??
    e.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}
