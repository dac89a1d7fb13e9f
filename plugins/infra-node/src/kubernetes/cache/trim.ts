/**
 * The few fields of each watched object that the boards need. A real pod is 5–7 KB of JSON; its
 * trimmed form is a few hundred bytes, so 50,000 pods fit in the backend's memory.
 */

/** @public */
export interface CachedMeta {
  uid: string;
  name: string;
  namespace: string;
  /** Shared between objects with the same labels: frozen. */
  labels: Readonly<Record<string, string>>;
  createdAt?: string;
  deleting: boolean;
}

/** @public */
export interface CachedPod extends CachedMeta {
  /** The ReplicaSet (or other controller) that owns the pod. */
  owner?: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
  /** Shared between objects with the same images: frozen. */
  images: readonly string[];
  /** `status.startTime`: when the kubelet started the pod. */
  startedAt?: string;
  /** The pod's `vault.hashicorp.com/*` annotations (Vault Agent injector), if any; frozen. */
  vaultAnnotations?: Readonly<Record<string, string>>;
  /**
   * Why a container is not running (`CrashLoopBackOff`, `ImagePullBackOff`, …): the first
   * container's waiting or terminated reason; absent when every container runs.
   */
  reason?: string;
}

/** @public */
export interface CachedDeployment extends CachedMeta {
  generation: number;
  observedGeneration: number;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** Shared between Deployments in the same state: frozen. */
  progressing?: Readonly<{ status: string; reason?: string }>;
  /** Frozen; the image names are shared strings. */
  images: readonly string[];
}

/** @public */
export interface CachedReplicaSet extends CachedMeta {
  owner?: string;
  replicas: number;
  /** Shared between objects with the same images: frozen. */
  images: readonly string[];
}

/** @public */
export interface CachedFlux extends CachedMeta {
  kind: 'HelmRelease' | 'Kustomization';
  ready: boolean | 'unknown';
  message?: string;
  lastAppliedRevision?: string;
}

/** @public */
export interface CachedNamespace extends CachedMeta {}

// Label keys and values, owners, images and creation times repeat across thousands of objects: keep
// one copy of each string. The table is bounded; past the bound, strings are simply not shared.
const interned = new Map<string, string>();
export function intern(s: string): string {
  const existing = interned.get(s);
  if (existing !== undefined) return existing;
  if (interned.size < 200_000) interned.set(s, s);
  return s;
}

/**
 * Pods of one ReplicaSet carry identical label sets and image lists: share one frozen copy of each,
 * held weakly so that the sets of deleted objects go with them.
 */
class SharedValues<T extends object> {
  private readonly values = new Map<string, WeakRef<T>>();
  private readonly forget = new FinalizationRegistry<string>(key => {
    if (!this.values.get(key)?.deref()) this.values.delete(key);
  });

  share(key: string, make: () => T): T {
    const existing = this.values.get(key)?.deref();
    if (existing) return existing;
    const value = Object.freeze(make());
    this.values.set(key, new WeakRef(value));
    this.forget.register(value, key);
    return value;
  }
}
const sharedLabels = new SharedValues<Record<string, string>>();
const sharedImages = new SharedValues<string[]>();

const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The prototype of label and annotation sets: an empty object whose own prototype is
 * Object.prototype, so the sets behave as plain objects. It gives them a hidden-class tree of their
 * own. V8 keeps at most 1,536 transitions from one hidden class, and in a backend the one every
 * `{}` starts from is full (each loaded module's `exports` adds one): an object built key by key
 * from `{}` then got a hidden class of its own, ≈ 170 B, for each of 120,000 label sets of the
 * search bench's fleet. From this prototype, sets with the same keys share one.
 */
const KEYED_SET = Object.create(Object.prototype) as object;

/** A label or annotation set of `entries`, from KEYED_SET, its keys and values interned. */
function keyedSet(entries: [string, unknown][]): Record<string, string> {
  const set: Record<string, string> = Object.create(KEYED_SET);
  for (const [k, v] of entries) set[intern(k)] = intern(String(v));
  return set;
}

/**
 * A label set, frozen, its keys and values interned. Pods share one copy per distinct set (the pods
 * of a ReplicaSet carry the same labels); other kinds' sets are nearly all distinct (a Deployment's,
 * its ReplicaSet's and its namespace's differ), and the sharing table's entry for each (key string,
 * WeakRef, finalization cell, map entry: ≈ 300 B) would cost more than it saves.
 */
function labelsOf(
  raw: Record<string, string> | undefined,
  share: boolean,
): Readonly<Record<string, string>> {
  const entries = Object.entries(raw ?? {});
  if (entries.length === 0) return EMPTY_LABELS;
  const make = () => keyedSet(entries);
  if (!share) return Object.freeze(make());
  // Keys and values are strings: a NUL cannot occur in either, so the key is unambiguous.
  return sharedLabels.share(
    entries.map(([k, v]) => `${k}\0${v}`).join('\0'),
    make,
  );
}

/**
 * The shape of what the API servers send, as far as the boards read it. Lists come deserialised by
 * the client (timestamps as Date), watch events as plain JSON (timestamps as strings).
 */
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
interface Container {
  image?: string;
}
interface PodSpec {
  containers?: Container[];
  nodeName?: string;
}
/** @public */
export interface WatchedObject {
  metadata?: {
    uid?: string;
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    creationTimestamp?: Date | string;
    deletionTimestamp?: Date | string;
    annotations?: Record<string, string>;
    generation?: number;
    ownerReferences?: Array<{ name?: string; controller?: boolean }>;
  };
  spec?: PodSpec & {
    replicas?: number;
    template?: { spec?: PodSpec };
  };
  status?: {
    phase?: string;
    startTime?: Date | string;
    conditions?: Condition[];
    containerStatuses?: Array<{
      restartCount?: number;
      state?: {
        waiting?: { reason?: string };
        terminated?: { reason?: string };
      };
    }>;
    observedGeneration?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    lastAppliedRevision?: string;
  };
}

function iso(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

/**
 * The metadata every cached object has. Each trim function writes its object as one literal with
 * these fields first, never as `{...meta(o), …}`: objects spread from another get a hidden class
 * (and its descriptors) of their own, ≈ 400 B each, and their later fields out of the object;
 * written out in full, all objects of a kind share one class. A name equal to the namespace (a
 * Runway service's Deployment, route and namespace) is the interned namespace string, not a copy.
 */
export function meta(o: WatchedObject, shareLabels = false): CachedMeta {
  const m = o.metadata ?? {};
  const namespace = intern(m.namespace ?? '');
  const raw = m.name ?? '';
  let name = raw === namespace ? namespace : raw;
  // A Namespace (the only cluster-scoped kind cached): its name is the namespace of what is in it.
  if (!namespace) name = intern(raw);
  const createdAt = iso(m.creationTimestamp);
  return {
    uid: m.uid ?? `${m.namespace}/${raw}`,
    name,
    namespace,
    labels: labelsOf(m.labels, shareLabels),
    createdAt: createdAt === undefined ? undefined : intern(createdAt),
    deleting: Boolean(m.deletionTimestamp),
  };
}

function controller(o: WatchedObject): string | undefined {
  const refs = o.metadata?.ownerReferences ?? [];
  const owner = (refs.find(r => r.controller) ?? refs[0])?.name;
  return owner === undefined ? undefined : intern(owner);
}

const NO_IMAGES: readonly string[] = Object.freeze([]);

/**
 * The image list, frozen, its names interned. Pods and ReplicaSets share one copy per distinct
 * list (a ReplicaSet and its pods run the same images). A Deployment's is its own: nearly every
 * Deployment runs images no other Deployment runs, and a sharing entry for each (≈ 300 B: key,
 * WeakRef, finalization cell) cost 6 MB of settled heap for 40,000 Deployments, to share nothing.
 */
function images(
  spec: PodSpec | undefined,
  share: boolean = true,
): readonly string[] {
  const containers = spec?.containers ?? [];
  if (containers.length === 0) return NO_IMAGES;
  const list = containers.map(c => String(c.image));
  if (!share) return Object.freeze(list.map(intern));
  return sharedImages.share(list.join('\0'), () => list.map(intern));
}

function condition(o: WatchedObject, type: string): Condition | undefined {
  return (o.status?.conditions ?? []).find(c => c.type === type);
}

export function trimPod(o: WatchedObject): CachedPod {
  const m = meta(o, true);
  const statuses = o.status?.containerStatuses ?? [];
  return {
    uid: m.uid,
    name: m.name,
    namespace: m.namespace,
    labels: m.labels,
    createdAt: m.createdAt,
    deleting: m.deleting,
    owner: controller(o),
    phase: intern(o.status?.phase ?? 'Unknown'),
    ready: condition(o, 'Ready')?.status === 'True',
    restarts: statuses.reduce((n, st) => n + (st.restartCount ?? 0), 0),
    node: o.spec?.nodeName ? intern(o.spec.nodeName) : undefined,
    images: images(o.spec),
    startedAt: iso(o.status?.startTime),
    vaultAnnotations: vaultAnnotations(o.metadata?.annotations),
    reason: notRunning(statuses),
  };
}

/** Why the first container that is not running is not; undefined when every one runs. */
function notRunning(
  statuses: NonNullable<
    NonNullable<WatchedObject['status']>['containerStatuses']
  >,
): string | undefined {
  for (const st of statuses) {
    const reason = st.state?.waiting?.reason ?? st.state?.terminated?.reason;
    if (reason) return intern(reason);
  }
  return undefined;
}

const VAULT_ANNOTATION_PREFIX = 'vault.hashicorp.com/';

/** Only the Vault Agent injector's annotations: the Secrets tab tells stale pods by them. */
function vaultAnnotations(
  raw: Record<string, string> | undefined,
): Readonly<Record<string, string>> | undefined {
  if (!raw) return undefined;
  const entries = Object.entries(raw).filter(([k]) =>
    k.startsWith(VAULT_ANNOTATION_PREFIX),
  );
  if (entries.length === 0) return undefined;
  // Pods of one ReplicaSet carry the same annotations: one shared frozen copy.
  const key = entries.map(([k, v]) => `${k}\0${v}`).join('\0');
  return sharedLabels.share(`vault\0${key}`, () => keyedSet(entries));
}

/** Deployments share their Progressing condition: a handful of distinct ones in a fleet. */
const progressingStates = new Map<string, CachedDeployment['progressing']>();
function progressingOf(
  c: Condition | undefined,
): CachedDeployment['progressing'] {
  if (!c) return undefined;
  const status = c.status ?? 'Unknown';
  const key = `${status}\0${c.reason ?? ''}`;
  let state = progressingStates.get(key);
  if (!state) {
    state = Object.freeze({ status: intern(status), reason: c.reason });
    if (progressingStates.size < 1000) progressingStates.set(key, state);
  }
  return state;
}

export function trimDeployment(o: WatchedObject): CachedDeployment {
  const m = meta(o);
  return {
    uid: m.uid,
    name: m.name,
    namespace: m.namespace,
    labels: m.labels,
    createdAt: m.createdAt,
    deleting: m.deleting,
    generation: o.metadata?.generation ?? 0,
    observedGeneration: o.status?.observedGeneration ?? 0,
    desired: o.spec?.replicas ?? 1,
    updated: o.status?.updatedReplicas ?? 0,
    ready: o.status?.readyReplicas ?? 0,
    available: o.status?.availableReplicas ?? 0,
    progressing: progressingOf(condition(o, 'Progressing')),
    images: images(o.spec?.template?.spec, false),
  };
}

export function trimReplicaSet(o: WatchedObject): CachedReplicaSet {
  const m = meta(o);
  return {
    uid: m.uid,
    name: m.name,
    namespace: m.namespace,
    labels: m.labels,
    createdAt: m.createdAt,
    deleting: m.deleting,
    owner: controller(o),
    replicas: o.spec?.replicas ?? 0,
    images: images(o.spec?.template?.spec),
  };
}

export function trimFlux(kind: CachedFlux['kind']) {
  return (o: WatchedObject): CachedFlux => {
    const m = meta(o);
    const ready = condition(o, 'Ready');
    let state: CachedFlux['ready'] = 'unknown';
    if (ready?.status === 'True') state = true;
    if (ready?.status === 'False') state = false;
    return {
      uid: m.uid,
      name: m.name,
      namespace: m.namespace,
      labels: m.labels,
      createdAt: m.createdAt,
      deleting: m.deleting,
      kind,
      ready: state,
      message: ready?.message,
      lastAppliedRevision: o.status?.lastAppliedRevision,
    };
  };
}

export function trimNamespace(o: WatchedObject): CachedNamespace {
  return meta(o);
}
