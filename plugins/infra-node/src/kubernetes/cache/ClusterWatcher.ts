// @kubernetes/client-node's modules, not its entry point: that loads every generated API group
// (docs/content/performance.md, "The Kubernetes client's entry point").
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { KubernetesObjectApi } from '@kubernetes/client-node/dist/object.js';
import type { Watch } from '@kubernetes/client-node/dist/watch.js';
import { LoggerService } from '@backstage/backend-plugin-api';
import { DEFAULT_CACHE_CONFIG } from '../clusterConfig';
import {
  createClusterClients,
  isDeadline,
  readListsAsSent,
  RequestDeadlines,
} from './clients';
import {
  CachedDeployment,
  CachedFlux,
  CachedMeta,
  CachedNamespace,
  CachedPod,
  CachedReplicaSet,
  trimDeployment,
  trimFlux,
  trimNamespace,
  trimPod,
  trimReplicaSet,
  WatchedObject,
} from './trim';
import {
  CachedPodEvent,
  POD_EVENTS_FIELD_SELECTOR,
  PodEventIndex,
  trimPodEvent,
} from './podEvents';
import {
  CachedRoute,
  trimHttpRoute,
  trimIngress,
  trimVirtualService,
} from './trimRoute';

/** @public */
export type WatchedKind =
  | 'pods'
  | 'deployments'
  | 'replicasets'
  | 'namespaces'
  | 'helmreleases'
  | 'kustomizations'
  | 'httproutes'
  | 'virtualservices'
  | 'ingresses'
  | 'events';

/** The kinds that carry ingress routes (traffic weights). */
export const ROUTE_KINDS: ReadonlyArray<WatchedKind> = [
  'httproutes',
  'virtualservices',
  'ingresses',
];

interface KindSpec {
  key: WatchedKind;
  apiVersion: string;
  kind: string;
  path: string;
  trim: (o: WatchedObject) => CachedMeta;
  /** A CRD that a cluster may not have: a 404 is not an error. */
  optional?: boolean;
  /** A custom resource: the client has no model for its list (see readListsAsSent). */
  customResource?: boolean;
  /** Sent with the list and the watch: the server leaves out what the cache would not keep. */
  fieldSelector?: string;
}

const KINDS: KindSpec[] = [
  {
    key: 'namespaces',
    apiVersion: 'v1',
    kind: 'Namespace',
    path: '/api/v1/namespaces',
    trim: trimNamespace,
  },
  {
    key: 'deployments',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    path: '/apis/apps/v1/deployments',
    trim: trimDeployment,
  },
  {
    key: 'replicasets',
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    path: '/apis/apps/v1/replicasets',
    trim: trimReplicaSet,
  },
  {
    key: 'pods',
    apiVersion: 'v1',
    kind: 'Pod',
    path: '/api/v1/pods',
    trim: trimPod,
  },
  {
    key: 'helmreleases',
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    path: '/apis/helm.toolkit.fluxcd.io/v2/helmreleases',
    trim: trimFlux('HelmRelease'),
    optional: true,
    customResource: true,
  },
  {
    key: 'kustomizations',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    path: '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations',
    trim: trimFlux('Kustomization'),
    optional: true,
    customResource: true,
  },
  {
    key: 'httproutes',
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    path: '/apis/gateway.networking.k8s.io/v1/httproutes',
    trim: trimHttpRoute,
    optional: true,
    customResource: true,
  },
  {
    key: 'virtualservices',
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    path: '/apis/networking.istio.io/v1/virtualservices',
    trim: trimVirtualService,
    optional: true,
    customResource: true,
  },
  {
    // Built in, but a server without it (or without access to it) must not stall the cache.
    key: 'ingresses',
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    path: '/apis/networking.k8s.io/v1/ingresses',
    trim: trimIngress,
    optional: true,
  },
  {
    // Why a pod is pending or failing; kept per pod, bounded (see ./podEvents.ts).
    key: 'events',
    apiVersion: 'v1',
    kind: 'Event',
    path: '/api/v1/events',
    trim: trimPodEvent,
    fieldSelector: POD_EVENTS_FIELD_SELECTOR,
  },
];

readListsAsSent(KINDS);

/** Every kind a cluster can watch. */
export const WATCHED_KINDS: ReadonlyArray<WatchedKind> = KINDS.map(k => k.key);

/**
 * The kinds each reader of the cache asks for ({@link KubernetesCacheService.watch}), by what it
 * reads: `deployments()`, `replicaSetsOf()`, `podsOf()`, `podEvents()`, `namespace()`, `flux()`,
 * `routes()`.
 *
 * @public
 */
export const CACHE_KINDS = {
  deployments: ['deployments'],
  replicaSets: ['replicasets'],
  pods: ['pods'],
  podEvents: ['events'],
  namespaces: ['namespaces'],
  flux: ['helmreleases', 'kustomizations'],
  routes: ROUTE_KINDS,
} as const satisfies Record<string, ReadonlyArray<WatchedKind>>;

/**
 * What changed in a cluster's cache: one object (`object` is its new state, or its last state when
 * deleted), or a whole kind after a relist (`object` absent).
 *
 * @public
 */
export interface CacheChange {
  cluster: string;
  kind: WatchedKind;
  type: 'upsert' | 'delete' | 'resync';
  object?: CachedMeta;
}

/** @public */
export interface ClusterCacheState {
  name: string;
  labels: Record<string, string>;
  /** `syncing` until every kind has been listed once; `stale` while a watch reconnects. */
  state: 'syncing' | 'ok' | 'stale' | 'unreachable';
  lastSeen?: string;
  message?: string;
}

interface KindState {
  /** By {@link keyOf}. */
  objects: Map<string, CachedMeta>;
  resourceVersion?: string;
  synced: boolean;
  error?: { message: string; unreachable: boolean };
  absent?: boolean;
}

/**
 * The key of an object in its kind's map: its uid, but a namespace's name, so that
 * `namespace(name)` is a lookup rather than a walk of every namespace (the search collator and the
 * board ask it once per service and cluster). A namespace's name is unique in its cluster at any
 * time and never changes; a namespace deleted and made again under the same name is seen deleted
 * (its watch event, or its absence from a relist) before it is seen again.
 */
function keyOf(kind: WatchedKind, o: CachedMeta): string {
  return kind === 'namespaces' ? o.name : o.uid;
}

/** Back-off after a failed list or watch: doubled from `baseMs` up to `maxMs`. */
export interface WatchBackoff {
  baseMs: number;
  maxMs: number;
  /** The least wait after a 429 without Retry-After. */
  tooManyRequestsMs: number;
}

const DEFAULT_BACKOFF: WatchBackoff = {
  baseMs: 500,
  maxMs: 30_000,
  tooManyRequestsMs: 1_000,
};

/** The server ends a watch after this long, and the cache reconnects from where it was. */
const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
/** A request without an answer after this long is aborted (a hung server). */
const DEFAULT_REQUEST_TIMEOUT_MS =
  DEFAULT_CACHE_CONFIG.requestTimeoutSeconds * 1000;
/**
 * A watch that sent no event and no BOOKMARK for this long is taken as dead (a half-open
 * connection) and opened again: by default twice the minute at which kube-apiserver sends bookmarks.
 */
const DEFAULT_WATCH_SILENCE_MS =
  DEFAULT_CACHE_CONFIG.watchSilenceSeconds * 1000;
const ABSENT_RETRY_MS = 5 * 60_000;
/** How long an event may wait for its pod to reach the cache. */
const ORPHAN_EVENT_MS = 2 * 60_000;

/**
 * Runs list calls with bounded concurrency across the fleet, shared fairly between clusters: a free
 * slot goes to the waiting cluster with the fewest calls running (the least recently served on a
 * tie), and with more than one cluster none holds every slot. A cluster that hangs therefore delays
 * the others by at most one request deadline, never for good.
 */
export interface ListGate {
  /** The share of one cluster; close it when the cluster goes away. */
  forCluster(cluster: string): ClusterListGate;
  /** Calls running now, per cluster. */
  running(): Record<string, number>;
}

/** One cluster's share of a {@link ListGate}. */
export interface ClusterListGate {
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Frees the cluster's slots at once and rejects its waiting calls. */
  close(): void;
}

class GateClosedError extends Error {
  name = 'AbortError';
  constructor(cluster: string) {
    super(`The cache stopped following cluster ${cluster}`);
  }
}

/** A gate that lets `limit` calls run at once. */
export function createListGate(limit: number): ListGate {
  interface Share {
    name: string;
    running: Set<object>;
    waiting: Array<{ start: () => void; fail: (error: Error) => void }>;
    served: number;
  }
  const shares = new Set<Share>();
  let total = 0;
  let tick = 0;
  const cap = () => (shares.size > 1 ? Math.max(1, limit - 1) : limit);
  const pump = () => {
    while (total < limit) {
      let next: Share | undefined;
      for (const share of shares) {
        if (!share.waiting.length || share.running.size >= cap()) continue;
        if (
          !next ||
          share.running.size < next.running.size ||
          (share.running.size === next.running.size &&
            share.served < next.served)
        ) {
          next = share;
        }
      }
      if (!next) return;
      next.served = ++tick;
      next.waiting.shift()!.start();
    }
  };
  return {
    forCluster(name) {
      const share: Share = { name, running: new Set(), waiting: [], served: 0 };
      shares.add(share);
      let closed = false;
      return {
        async run(call) {
          if (closed) throw new GateClosedError(name);
          const slot = {};
          await new Promise<void>((start, fail) => {
            share.waiting.push({
              start: () => {
                share.running.add(slot);
                total++;
                start();
              },
              fail,
            });
            pump();
          });
          try {
            return await call();
          } finally {
            if (share.running.delete(slot)) total--;
            pump();
          }
        },
        close() {
          if (closed) return;
          closed = true;
          shares.delete(share);
          total -= share.running.size;
          share.running.clear();
          for (const w of share.waiting.splice(0)) {
            w.fail(new GateClosedError(name));
          }
          pump();
        },
      };
    },
    running() {
      const counts: Record<string, number> = {};
      for (const share of shares) {
        counts[share.name] = (counts[share.name] ?? 0) + share.running.size;
      }
      return counts;
    },
  };
}

function errorCode(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

function isConnectionError(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|socket hang up|network/i.test(
    text,
  );
}

/** A message for people: never the request, which carries the token. */
function describe(error: unknown): string {
  const code = errorCode(error);
  const message = String((error as Error)?.message ?? error).split('\n')[0];
  return code
    ? `HTTP ${code}: ${message.slice(0, 200)}`
    : message.slice(0, 200);
}

/**
 * Lists then watches every kind the boards need in one cluster, with the real client, and keeps
 * trimmed copies. 410 Gone → relist; a dropped watch → reconnect from the last resourceVersion; other
 * errors → back off and retry; 429 → back off longer.
 *
 * @internal
 */
export class ClusterWatcher {
  private readonly kinds = new Map<WatchedKind, KindState>();
  /** The kinds whose list-and-watch loop runs; the others are not part of the state. */
  private readonly running = new Set<WatchedKind>();
  private readonly podsByOwner = new Map<string, Set<string>>();
  private readonly replicaSetsByOwner = new Map<string, Set<string>>();
  private readonly events = new PodEventIndex();
  private readonly aborts = new Set<AbortController>();
  private readonly sleeps = new Set<() => void>();
  /** Deadlines of the requests in flight, all aborted when the cluster leaves the cache. */
  private readonly deadlines: RequestDeadlines;
  private stopped = false;
  private lastSeen?: Date;
  private api: KubernetesObjectApi;
  private watch: Watch;
  private readonly refreshKubeConfig?: () => Promise<KubeConfig>;
  private readonly backoffs: WatchBackoff;
  private readonly watchTimeoutSeconds: number;
  private readonly watchSilenceMs: number;

  constructor(
    readonly name: string,
    readonly labels: Record<string, string>,
    kubeConfig: KubeConfig,
    private readonly logger: LoggerService,
    private readonly onChange: (change: CacheChange) => void,
    private readonly listGate: ClusterListGate,
    private readonly listPageSize: number,
    options: {
      backoff?: WatchBackoff;
      watchTimeoutSeconds?: number;
      /** Deadline of each request (a list page, the headers of a watch). */
      requestTimeoutMs?: number;
      /** A watch that sends nothing (no event, no bookmark) this long is opened again. */
      watchSilenceMs?: number;
      /**
       * A fresh KubeConfig (credentials read again), asked for after a 401: a rotated token
       * file, or a credential changed in config, is picked up without a restart.
       */
      refreshKubeConfig?: () => Promise<KubeConfig>;
    } = {},
  ) {
    this.refreshKubeConfig = options.refreshKubeConfig;
    this.backoffs = options.backoff ?? DEFAULT_BACKOFF;
    this.watchTimeoutSeconds =
      options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    this.deadlines = new RequestDeadlines(
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    this.watchSilenceMs = options.watchSilenceMs ?? DEFAULT_WATCH_SILENCE_MS;
    ({ api: this.api, watch: this.watch } = this.clients(kubeConfig));
    for (const spec of KINDS) {
      this.kinds.set(spec.key, { objects: new Map(), synced: false });
    }
  }

  /** Starts the loops of `kinds` that are not running yet (a later call adds kinds). */
  start(kinds: Iterable<WatchedKind>) {
    const wanted = new Set(kinds);
    for (const spec of KINDS) {
      if (!wanted.has(spec.key) || this.running.has(spec.key)) continue;
      this.running.add(spec.key);
      this.loop(spec).catch(error =>
        this.logger.error(
          `Watch loop for ${spec.kind} in cluster ${
            this.name
          } ended: ${describe(error)}`,
        ),
      );
    }
  }

  stop() {
    this.stopped = true;
    this.deadlines.abortAll();
    this.listGate.close();
    for (const a of this.aborts) a.abort();
    for (const wake of this.sleeps) wake();
  }

  private clients(kubeConfig: KubeConfig) {
    return createClusterClients(kubeConfig, this.deadlines);
  }

  /** What went wrong, for the cluster's state: a request past its deadline counts as unreachable. */
  private failure(
    error: unknown,
    deadlineMs = this.deadlines.ms,
  ): { message: string; unreachable: boolean } {
    if (isDeadline(error)) {
      return {
        message: `no answer within ${deadlineMs / 1000} s`,
        unreachable: true,
      };
    }
    return { message: describe(error), unreachable: isConnectionError(error) };
  }

  /** The states of the kinds that are watched. */
  private watchedStates(): KindState[] {
    return [...this.kinds]
      .filter(([kind]) => this.running.has(kind))
      .map(([, state]) => state);
  }

  state(): ClusterCacheState {
    const states = this.watchedStates();
    const failing = states.find(k => k.error);
    let state: ClusterCacheState['state'] = 'ok';
    if (failing) {
      state = failing.error!.unreachable ? 'unreachable' : 'stale';
    } else if (states.some(k => !k.synced && !k.absent)) {
      state = 'syncing';
    }
    return {
      name: this.name,
      labels: this.labels,
      state,
      lastSeen: this.lastSeen?.toISOString(),
      message: failing?.error?.message,
    };
  }

  /**
   * True once every kind has been listed once (or failed to be), or as soon as one cannot be
   * reached: the other kinds of a hung cluster would only wait for their own deadlines.
   */
  settled(): boolean {
    const kinds = this.watchedStates();
    return (
      kinds.some(k => k.error?.unreachable) ||
      kinds.every(k => k.synced || k.absent || k.error)
    );
  }

  deployments(): Iterable<CachedDeployment> {
    return this.kinds
      .get('deployments')!
      .objects.values() as Iterable<CachedDeployment>;
  }

  flux(): CachedFlux[] {
    return [
      ...this.kinds.get('helmreleases')!.objects.values(),
      ...this.kinds.get('kustomizations')!.objects.values(),
    ] as CachedFlux[];
  }

  routes(): CachedRoute[] {
    return ROUTE_KINDS.flatMap(
      kind => [...this.kinds.get(kind)!.objects.values()] as CachedRoute[],
    );
  }

  namespace(name: string): CachedNamespace | undefined {
    return this.kinds.get('namespaces')!.objects.get(name) as
      | CachedNamespace
      | undefined;
  }

  replicaSetsOf(namespace: string, deployment: string): CachedReplicaSet[] {
    const objects = this.kinds.get('replicasets')!.objects;
    return [
      ...(this.replicaSetsByOwner.get(`${namespace}/${deployment}`) ?? []),
    ]
      .map(uid => objects.get(uid) as CachedReplicaSet)
      .filter(Boolean);
  }

  podsOf(namespace: string, owner: string): CachedPod[] {
    const objects = this.kinds.get('pods')!.objects;
    return [...(this.podsByOwner.get(`${namespace}/${owner}`) ?? [])]
      .map(uid => objects.get(uid) as CachedPod)
      .filter(Boolean);
  }

  /** The last events of a pod, newest first. */
  podEvents(podUid: string): readonly CachedPodEvent[] {
    return this.events.of(podUid);
  }

  count(kind: WatchedKind): number {
    if (kind === 'events') return this.events.size();
    return this.kinds.get(kind)!.objects.size;
  }

  private seen() {
    this.lastSeen = new Date();
  }

  private index(kind: WatchedKind, o: CachedMeta, add: boolean) {
    let index: Map<string, Set<string>> | undefined;
    if (kind === 'pods') index = this.podsByOwner;
    if (kind === 'replicasets') index = this.replicaSetsByOwner;
    const owner = (o as CachedPod | CachedReplicaSet).owner;
    if (!index || !owner) return;
    const key = `${o.namespace}/${owner}`;
    let set = index.get(key);
    if (add) {
      if (!set) index.set(key, (set = new Set()));
      set.add(o.uid);
    } else if (set) {
      set.delete(o.uid);
      if (set.size === 0) index.delete(key);
    }
  }

  private put(kind: WatchedKind, o: CachedMeta) {
    if (kind === 'events') {
      this.putEvent(o as CachedPodEvent);
      return;
    }
    // A ready pod keeps only its warnings: a healthy fleet holds next to no events.
    if (kind === 'pods' && (o as CachedPod).ready)
      this.events.keepWarnings(o.uid);
    const state = this.kinds.get(kind)!;
    const key = keyOf(kind, o);
    const previous = state.objects.get(key);
    if (previous) this.index(kind, previous, false);
    state.objects.set(key, o);
    this.index(kind, o, true);
  }

  private remove(kind: WatchedKind, o: CachedMeta) {
    if (kind === 'events') {
      this.events.remove(o as CachedPodEvent);
      return;
    }
    if (kind === 'pods') this.events.dropPod(o.uid);
    const state = this.kinds.get(kind)!;
    const key = keyOf(kind, o);
    const previous = state.objects.get(key);
    // Not another object of the same name (a namespace made again): only this one is gone.
    if (!previous || previous.uid !== o.uid) return;
    this.index(kind, previous, false);
    state.objects.delete(key);
  }

  /** After a relist: the kind's objects are `fresh`. */
  private replaceAll(
    kind: WatchedKind,
    state: KindState,
    fresh: Map<string, CachedMeta>,
  ) {
    if (kind === 'events') {
      this.events.reset([]);
      for (const e of fresh.values()) this.putEvent(e as CachedPodEvent);
      return;
    }
    for (const o of state.objects.values()) this.index(kind, o, false);
    state.objects = fresh;
    for (const o of fresh.values()) this.index(kind, o, true);
    if (kind === 'pods') {
      this.events.retainPods(uid => fresh.has(uid));
      for (const pod of fresh.values()) {
        if ((pod as CachedPod).ready) this.events.keepWarnings(pod.uid);
      }
    }
  }

  /**
   * Keeps an event of a pod the cache holds, with the pod's owner (so a board of that owner sees
   * the change). An event of a pod not (yet) in the cache is kept only while it is fresh: the pod
   * may still be on its way through the pods watch, or it is gone and its events with it.
   */
  private putEvent(event: CachedPodEvent) {
    const pods = this.kinds.get('pods')!;
    const pod = pods.objects.get(event.podUid) as CachedPod | undefined;
    if (pod) {
      event.owner = pod.owner;
      if (pod.ready && event.type === 'Normal') return;
    } else if (
      pods.synced &&
      Date.now() - Date.parse(event.lastSeen ?? '') > ORPHAN_EVENT_MS
    ) {
      return;
    }
    this.events.put(event);
  }

  /** Pending sleeps and open watches, for tests: both stay bounded during an outage. */
  pending(): { sleeps: number; watches: number } {
    return { sleeps: this.sleeps.size, watches: this.aborts.size };
  }

  private async sleep(ms: number) {
    if (this.stopped) return;
    await new Promise<void>(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.sleeps.delete(done);
        resolve();
      };
      timer = setTimeout(done, ms);
      this.sleeps.add(done);
    });
  }

  /** After a 401: build the clients again with credentials read again. */
  private async refreshCredentials(error: unknown) {
    if (errorCode(error) !== 401 || !this.refreshKubeConfig) return;
    try {
      const kubeConfig = await this.refreshKubeConfig();
      ({ api: this.api, watch: this.watch } = this.clients(kubeConfig));
    } catch (e) {
      this.logger.warn(
        `Cannot read the credentials of cluster ${this.name} again: ${describe(
          e,
        )}`,
      );
    }
  }

  private backoff(attempt: number, error: unknown) {
    const ms = Math.min(
      this.backoffs.maxMs,
      this.backoffs.baseMs * 2 ** Math.min(attempt, 30),
    );
    const jittered = ms / 2 + Math.random() * (ms / 2);
    if (errorCode(error) !== 429) return jittered;
    // Honour Retry-After where the client exposes it (lists); otherwise wait at least a second.
    const headers = (error as { headers?: Record<string, string> }).headers;
    const retryAfter = Number(headers?.['retry-after']);
    const floor =
      Number.isFinite(retryAfter) && retryAfter > 0
        ? retryAfter * 1000
        : this.backoffs.tooManyRequestsMs;
    return Math.max(jittered, floor);
  }

  private async loop(spec: KindSpec) {
    const state = this.kinds.get(spec.key)!;
    let attempt = 0;
    // A list past its deadline is tried again with twice the time, up to 12 times the first: a
    // server that is only slow is listed in the end, a hung one is shown unreachable at once.
    let listMs = this.deadlines.ms;
    while (!this.stopped) {
      try {
        await this.list(spec, state, listMs);
        attempt = 0;
        listMs = this.deadlines.ms;
        // Watch from the list's resourceVersion until it expires; reconnect when cut.
        for (;;) {
          if (this.stopped) return;
          const started = Date.now();
          const outcome = await this.watchOnce(spec, state);
          if (outcome === 'expired') break;
          if (outcome === 'silent') {
            this.logger.warn(
              `${spec.kind} watch in cluster ${
                this.name
              } sent nothing (no event, no bookmark) for ${
                this.watchSilenceMs / 1000
              } s; opening it again`,
            );
          }
          if (outcome === 'closed' || outcome === 'silent') {
            // A server that cuts every watch at once must not make us spin.
            if (Date.now() - started < 1000) {
              await this.sleep(this.backoff(attempt++, outcome));
            } else {
              attempt = 0;
            }
          } else {
            state.error = this.failure(outcome);
            await this.refreshCredentials(outcome);
            await this.sleep(this.backoff(attempt++, outcome));
          }
        }
      } catch (error) {
        if (this.stopped) return;
        if (spec.optional && errorCode(error) === 404) {
          state.absent = true;
          state.error = undefined;
          await this.sleep(ABSENT_RETRY_MS);
          continue;
        }
        state.error = this.failure(error, listMs);
        if (isDeadline(error)) {
          listMs = Math.min(listMs * 2, this.deadlines.ms * 12);
        }
        if (attempt === 0) {
          this.logger.warn(
            `Cannot list ${spec.kind} in cluster ${this.name}: ${state.error.message}`,
          );
        }
        await this.refreshCredentials(error);
        await this.sleep(this.backoff(attempt++, error));
      }
    }
  }

  private async list(spec: KindSpec, state: KindState, deadlineMs: number) {
    // Page through the list, a few lists at a time across the whole fleet: the transient memory of
    // parsing is one page, not every cluster's full list at once.
    const fresh = new Map<string, CachedMeta>();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const token = continueToken;
      const page = await this.listGate.run(() =>
        this.deadlines.run(deadlineMs, () =>
          this.api.list(
            spec.apiVersion,
            spec.kind,
            undefined,
            undefined,
            undefined,
            undefined,
            spec.fieldSelector,
            undefined,
            this.listPageSize,
            token,
          ),
        ),
      );
      this.seen();
      for (const item of page.items) {
        const o = spec.trim(item as WatchedObject);
        fresh.set(keyOf(spec.key, o), o);
      }
      const meta = page.metadata as
        | { _continue?: string; continue?: string; resourceVersion?: string }
        | undefined;
      continueToken = meta?._continue ?? meta?.continue ?? undefined;
      resourceVersion = meta?.resourceVersion;
    } while (continueToken);
    this.replaceAll(spec.key, state, fresh);
    state.resourceVersion = resourceVersion;
    state.synced = true;
    state.absent = false;
    state.error = undefined;
    this.onChange({ cluster: this.name, kind: spec.key, type: 'resync' });
  }

  /**
   * Resolves `expired` (relist), `closed` (reconnect now) or with the error. An ERROR event other
   * than 410 also ends in a relist: the watch can no longer be trusted to be complete. An event
   * that cannot be applied is logged and skipped; the client would otherwise swallow the exception.
   * A watch that sends nothing, not even a BOOKMARK, for `watchSilenceMs` is aborted and resolves
   * `silent`: a half-open connection would otherwise leave the kind stale while it looks `ok`.
   */
  private watchOnce(
    spec: KindSpec,
    state: KindState,
  ): Promise<'expired' | 'closed' | 'silent' | unknown> {
    return new Promise(resolve => {
      let expired = false;
      let finished = false;
      let silent = false;
      let controller: AbortController | undefined;
      let silence: NodeJS.Timeout | undefined;
      const listen = () => {
        clearTimeout(silence);
        silence = setTimeout(() => {
          silent = true;
          // Before the headers there is no controller yet: the request's deadline ends it.
          controller?.abort();
        }, this.watchSilenceMs);
        silence.unref?.();
      };
      listen();
      const handle = (type: string, object: WatchedObject) => {
        this.seen();
        if (state.error) state.error = undefined;
        if (type === 'ERROR') {
          const status = object as unknown as {
            code?: number;
            message?: string;
          };
          if (status?.code !== 410) {
            this.logger.warn(
              `${spec.kind} watch in cluster ${this.name} sent an error (${
                status?.code ?? '?'
              }: ${status?.message ?? 'no message'}); relisting`,
            );
          }
          expired = true;
          controller?.abort();
          return;
        }
        const version = (
          object?.metadata as { resourceVersion?: string } | undefined
        )?.resourceVersion;
        if (version) state.resourceVersion = version;
        if (type === 'BOOKMARK') return;
        const trimmed = spec.trim(object);
        if (type === 'DELETED') {
          this.remove(spec.key, trimmed);
          this.onChange({
            cluster: this.name,
            kind: spec.key,
            type: 'delete',
            object: trimmed,
          });
        } else {
          this.put(spec.key, trimmed);
          this.onChange({
            cluster: this.name,
            kind: spec.key,
            type: 'upsert',
            object: trimmed,
          });
        }
      };
      this.watch
        .watch(
          spec.path,
          {
            allowWatchBookmarks: true,
            resourceVersion: state.resourceVersion,
            timeoutSeconds: this.watchTimeoutSeconds,
            ...(spec.fieldSelector
              ? { fieldSelector: spec.fieldSelector }
              : {}),
          },
          (type, object) => {
            listen();
            try {
              handle(type, object);
            } catch (error) {
              const meta = (object as WatchedObject | undefined)?.metadata;
              this.logger.error(
                `Cannot read ${spec.kind} ${meta?.namespace ?? ''}/${
                  meta?.name ?? '?'
                } of cluster ${this.name} (skipped): ${describe(error)}`,
              );
            }
          },
          error => {
            finished = true;
            clearTimeout(silence);
            if (controller) this.aborts.delete(controller);
            if (expired || errorCode(error) === 410) resolve('expired');
            else if (error && !isAbort(error)) resolve(error);
            else if (silent && !this.stopped) resolve('silent');
            else resolve('closed');
          },
        )
        .then(
          c => {
            controller = c;
            // The watch may have ended before its controller arrived: keep nothing for it.
            if (finished) return;
            if (this.stopped || expired || silent) c.abort();
            else this.aborts.add(c);
          },
          error => {
            finished = true;
            clearTimeout(silence);
            resolve(error);
          },
        );
    });
  }
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string })?.name === 'AbortError';
}
