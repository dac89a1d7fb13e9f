import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterSummary } from '@groundcrew/plugin-infra-common';
import { KubernetesFleetService } from '../KubernetesFleet';
import { CacheConfig, DEFAULT_CACHE_CONFIG } from '../clusterConfig';
import {
  CacheChange,
  ClusterCacheState,
  ClusterWatcher,
  createListGate,
  ListGate,
  WatchedKind,
} from './ClusterWatcher';
import {
  CachedDeployment,
  CachedFlux,
  CachedNamespace,
  CachedPod,
  CachedReplicaSet,
} from './trim';
import { CachedRoute } from './trimRoute';
import { CachedPodEvent } from './podEvents';

/**
 * Reads for the UI, from memory: every cluster of the fleet is listed once and then watched, so a
 * page load makes no request to any API server.
 *
 * @public
 */
export interface KubernetesCacheService {
  /** Resolves once every cluster has been listed (or has failed to be), or after the timeout. */
  waitForSync(timeoutMs?: number): Promise<boolean>;
  clusters(): ClusterCacheState[];
  deployments(cluster: string): Iterable<CachedDeployment>;
  replicaSetsOf(
    cluster: string,
    namespace: string,
    deployment: string,
  ): CachedReplicaSet[];
  podsOf(cluster: string, namespace: string, owner: string): CachedPod[];
  /**
   * The last few Kubernetes Events of a pod, newest first: all of them while the pod is not ready,
   * its warnings once it is; none once it is gone.
   */
  podEvents(cluster: string, podUid: string): readonly CachedPodEvent[];
  flux(cluster: string): CachedFlux[];
  /** HTTPRoutes, VirtualServices and Ingresses of a cluster. */
  routes(cluster: string): CachedRoute[];
  /**
   * Lists and then watches `kinds` in every cluster, from now on; idempotent. Nothing is watched
   * until a plugin asks: each plugin asks, when it starts, for the kinds it reads (see
   * `CACHE_KINDS`), so a backend holds only what its plugins read — a backend with search
   * alone, say, holds no pods and no Events. A read of a kind no plugin asked for is empty.
   */
  watch(kinds: Iterable<WatchedKind>): void;
  namespace(cluster: string, name: string): CachedNamespace | undefined;
  /** Called for every change, synchronously; keep the listener cheap. */
  subscribe(listener: (change: CacheChange) => void): () => void;
}

/**
 * The default {@link KubernetesCacheService}: one {@link ClusterWatcher} per fleet cluster, following
 * clusters as they are registered and removed.
 *
 * @public
 */
export class KubernetesWatchCache implements KubernetesCacheService {
  private readonly watchers = new Map<string, ClusterWatcher>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private readonly listGate: ListGate;
  private readonly watched = new Set<WatchedKind>();
  private unsubscribeFleet?: () => void;

  static async create(options: {
    fleet: KubernetesFleetService;
    logger: LoggerService;
    /** How lists are paged, and the deadlines; `groundcrew.kubernetes.cache` in config. */
    lists?: Partial<CacheConfig>;
  }) {
    const cache = new KubernetesWatchCache(options.fleet, options.logger, {
      ...DEFAULT_CACHE_CONFIG,
      ...options.lists,
    });
    cache.unsubscribeFleet = options.fleet.subscribe(event => {
      const action =
        event.type === 'added'
          ? cache.add(event.cluster)
          : Promise.resolve(cache.remove(event.cluster.name));
      action.catch(error =>
        options.logger.error(
          `Cannot follow cluster ${event.cluster.name}: ${error}`,
        ),
      );
    });
    for (const cluster of await options.fleet.listClusters()) {
      await cache.add(cluster);
    }
    return cache;
  }

  private constructor(
    private readonly fleet: KubernetesFleetService,
    private readonly logger: LoggerService,
    private readonly lists: CacheConfig,
  ) {
    this.listGate = createListGate(lists.listConcurrency);
  }

  stop() {
    this.unsubscribeFleet?.();
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
  }

  async waitForSync(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ([...this.watchers.values()].every(w => w.settled())) return true;
      await new Promise(r => setTimeout(r, 50));
    }
    return false;
  }

  clusters() {
    return [...this.watchers.values()].map(w => w.state());
  }

  deployments(cluster: string) {
    return this.watchers.get(cluster)?.deployments() ?? [];
  }

  replicaSetsOf(cluster: string, namespace: string, deployment: string) {
    return (
      this.watchers.get(cluster)?.replicaSetsOf(namespace, deployment) ?? []
    );
  }

  podsOf(cluster: string, namespace: string, owner: string) {
    return this.watchers.get(cluster)?.podsOf(namespace, owner) ?? [];
  }

  podEvents(cluster: string, podUid: string) {
    return this.watchers.get(cluster)?.podEvents(podUid) ?? [];
  }

  flux(cluster: string) {
    return this.watchers.get(cluster)?.flux() ?? [];
  }

  routes(cluster: string) {
    return this.watchers.get(cluster)?.routes() ?? [];
  }

  watch(kinds: Iterable<WatchedKind>) {
    const before = this.watched.size;
    for (const kind of kinds) this.watched.add(kind);
    if (this.watched.size === before) return;
    for (const watcher of this.watchers.values()) watcher.start(this.watched);
  }

  namespace(cluster: string, name: string) {
    return this.watchers.get(cluster)?.namespace(name);
  }

  subscribe(listener: (change: CacheChange) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit = (change: CacheChange) => {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.warn(`A cache listener failed: ${error}`);
      }
    }
  };

  private async add(cluster: ClusterSummary) {
    this.remove(cluster.name);
    const watcher = new ClusterWatcher(
      cluster.name,
      cluster.labels,
      await this.fleet.getKubeConfig(cluster.name),
      this.logger,
      this.emit,
      this.listGate.forCluster(cluster.name),
      this.lists.listPageSize,
      {
        refreshKubeConfig: () => this.fleet.getKubeConfig(cluster.name),
        requestTimeoutMs: this.lists.requestTimeoutSeconds * 1000,
        watchSilenceMs: this.lists.watchSilenceSeconds * 1000,
      },
    );
    this.watchers.set(cluster.name, watcher);
    watcher.start(this.watched);
  }

  private remove(name: string) {
    const watcher = this.watchers.get(name);
    if (watcher) {
      watcher.stop();
      this.watchers.delete(name);
      this.emit({ cluster: name, kind: 'pods', type: 'resync' });
    }
  }
}
