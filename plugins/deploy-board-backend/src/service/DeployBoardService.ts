import { createHash, randomBytes } from 'node:crypto';
import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BoardSelector,
  DeployBoard,
  DeployBoardPatch,
  deployBoardReadPermission,
  diffJson,
  isAllowed,
} from '@groundcrew/plugin-infra-common';
import {
  CACHE_KINDS,
  CacheChange,
  KubernetesCacheService,
  LabelSelector,
} from '@groundcrew/plugin-infra-node';
import { buildBoard, ownerKey, EnvironmentLabels } from './buildBoard';
import { entitySelector, selectorKey } from './entitySelector';
import { ReadCheckCache } from './ReadCheckCache';

/** A board ready to send: the object, its JSON and its ETag, made once for every reader. */
export interface BoardSnapshot {
  board: DeployBoard;
  json: string;
  etag: string;
  /**
   * The stream event id, `<instance>.<revision>`: unique across restarts and replicas, so that a
   * Last-Event-ID from another backend instance never matches.
   */
  id: string;
  /** From the board the entity's listeners had before this one; set when they are sent this one. */
  patch?: DeployBoardPatch;
}

type Listener = (snapshot: BoardSnapshot) => void;

export interface DeployBoardServiceOptions {
  cache: KubernetesCacheService;
  catalog: CatalogService;
  permissions: PermissionsService;
  logger: LoggerService;
  environmentLabels?: EnvironmentLabels;
  /** Changes within this window become one new board. Default 50 ms. */
  debounceMs?: number;
  /** How long a positive read check is remembered per caller and entity; 0 checks every time. */
  readCheckTtlMs?: number;
}

interface Entry {
  entityRef: string;
  selector: BoardSelector;
  match: LabelSelector;
  snapshot?: BoardSnapshot;
  /** The board the listeners were last brought to (see `publish`). */
  published?: BoardSnapshot;
  /** The board's content without times and revision, to tell a real change from a rebuild. */
  content?: string;
  dirty: boolean;
  /** Deployments and ReplicaSets on the board (see buildBoard's `owners`). */
  owners: Set<string>;
  timer?: NodeJS.Timeout;
  listeners: Set<Listener>;
  lastUsed: number;
}

const MAX_ENTRIES = 1000;

/** The promise's value, or a rejection with the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal) {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
const IDLE_MS = 5 * 60_000;

/**
 * Deploy boards of catalog entities, built from the watch-fed cache and kept until something they
 * show changes. Readers of the same entity share one board; live readers get a new snapshot a
 * moment (`debounceMs`) after the change, so a rollout of a thousand pods is a handful of events.
 */
export class DeployBoardService {
  private readonly entries = new Map<string, Entry>();
  private revision = 0;
  /** Makes this instance's event ids its own (see BoardSnapshot.id). */
  private readonly instance = randomBytes(6).toString('base64url');
  private clusterSignature = '';
  private readonly interval: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly readChecks: ReadCheckCache;

  static create(options: DeployBoardServiceOptions) {
    options.cache.watch([
      ...CACHE_KINDS.namespaces,
      ...CACHE_KINDS.deployments,
      ...CACHE_KINDS.replicaSets,
      ...CACHE_KINDS.pods,
      ...CACHE_KINDS.podEvents,
      ...CACHE_KINDS.flux,
    ]);
    return new DeployBoardService(options);
  }

  private constructor(private readonly options: DeployBoardServiceOptions) {
    this.readChecks = new ReadCheckCache(options.readCheckTtlMs ?? 5000);
    this.unsubscribe = options.cache.subscribe(this.onChange);
    // Cluster reachability is not an object change: compare it every second.
    this.interval = setInterval(() => this.checkClusters(), 1000);
    this.interval.unref();
  }

  stop() {
    this.unsubscribe();
    clearInterval(this.interval);
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  /** Live listeners over all boards; for tests and metrics. */
  listenerCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += entry.listeners.size;
    return n;
  }

  /**
   * The board of an entity the caller may read; NotFoundError when the catalog does not show it to
   * the caller, NotAllowedError without `groundcrew.deployBoard.read` on it.
   */
  async getBoard(entityRef: string, credentials: BackstageCredentials) {
    const entry = await this.entry(entityRef, credentials);
    return this.snapshot(entry);
  }

  /**
   * Calls the listener with every new board of the entity until the returned function is called.
   * Once `signal` is aborted (the client went away while the stream was opening: catalog lookup,
   * sync wait), nothing is subscribed and the promise rejects with the signal's reason.
   */
  async subscribe(
    entityRef: string,
    credentials: BackstageCredentials,
    listener: Listener,
    signal?: AbortSignal,
  ): Promise<{ current: BoardSnapshot; unsubscribe: () => void }> {
    signal?.throwIfAborted();
    const entry = await this.entry(entityRef, credentials, signal);
    signal?.throwIfAborted();
    const current = this.snapshot(entry);
    // The listeners there already get this board first (one patch), so that the next patch is from
    // the board every listener has.
    this.publish(entry);
    entry.listeners.add(listener);
    return {
      current,
      unsubscribe: () => {
        entry.listeners.delete(listener);
        entry.lastUsed = Date.now();
      },
    };
  }

  private async entry(
    entityRef: string,
    credentials: BackstageCredentials,
    signal?: AbortSignal,
  ) {
    // The catalog answers only what the caller may read: an unreadable entity is a missing one.
    // Seeing its board is a permission of its own, asked at the same time; both are remembered
    // together (positive answers only).
    const entity = await this.readChecks.get(
      entityRef,
      credentials,
      async () => {
        const [found, [decision]] = await Promise.all([
          this.options.catalog.getEntityByRef(entityRef, { credentials }),
          this.options.permissions.authorize(
            [{ permission: deployBoardReadPermission, resourceRef: entityRef }],
            { credentials },
          ),
        ]);
        if (found && !isAllowed(decision)) {
          throw new NotAllowedError(
            `You may not see the deploy board of ${entityRef} (permission ${deployBoardReadPermission.name})`,
          );
        }
        return found;
      },
    );
    signal?.throwIfAborted();
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    const synced = await untilAborted(
      this.options.cache.waitForSync(10_000),
      signal,
    );
    if (!synced) {
      const syncing = this.options.cache
        .clusters()
        .filter(c => c.state === 'syncing')
        .map(c => c.name);
      if (
        syncing.length === this.options.cache.clusters().length &&
        syncing.length
      ) {
        throw new ServiceUnavailableError(
          `The Kubernetes cache is still loading clusters ${syncing.join(
            ', ',
          )}`,
        );
      }
    }
    const ref = stringifyEntityRef(entity);
    const { selector, match } = entitySelector(entity);
    const key = `${ref} ${selectorKey(selector)}`;
    let entry = this.entries.get(key);
    if (!entry) {
      this.evict();
      entry = {
        entityRef: ref,
        selector,
        match,
        dirty: true,
        owners: new Set(),
        listeners: new Set(),
        lastUsed: Date.now(),
      };
      this.entries.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry;
  }

  private snapshot(entry: Entry): BoardSnapshot {
    if (entry.dirty || !entry.snapshot) {
      this.rebuild(entry);
    }
    return entry.snapshot!;
  }

  /** Rebuilds; returns true when what the board shows changed. */
  private rebuild(entry: Entry): boolean {
    entry.dirty = false;
    const owners = new Set<string>();
    const board = buildBoard({
      cache: this.options.cache,
      entityRef: entry.entityRef,
      selector: entry.selector,
      match: entry.match,
      environmentLabels: this.options.environmentLabels,
      revision: 0,
      owners,
    });
    entry.owners = owners;
    const content = JSON.stringify([
      board.environments,
      board.clusters.map(c => [c.name, c.state, c.message]),
    ]);
    if (entry.snapshot && content === entry.content) {
      return false;
    }
    board.revision = ++this.revision;
    entry.content = content;
    const json = JSON.stringify(board);
    entry.snapshot = {
      board,
      json,
      etag: `"${createHash('sha1').update(json).digest('base64url')}"`,
      id: `${this.instance}.${board.revision}`,
    };
    return true;
  }

  /**
   * Brings the listeners to the current board, with a patch from the board they were last brought
   * to. The patch is made once, however many listeners there are. A board built for a page load in
   * between was never sent to them, so it is skipped.
   */
  private publish(entry: Entry) {
    const current = entry.snapshot;
    const previous = entry.published;
    if (!current || current === previous) return;
    entry.published = current;
    if (entry.listeners.size === 0) return;
    if (previous) {
      current.patch = {
        from: previous.id,
        ops: diffJson(previous.board, current.board),
      };
    }
    for (const listener of entry.listeners) listener(current);
  }

  private markDirty(entry: Entry) {
    entry.dirty = true;
    if (entry.listeners.size === 0 || entry.timer) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      // A page load in the window may have rebuilt the board already: publish it all the same.
      if (entry.dirty) this.rebuild(entry);
      this.publish(entry);
    }, this.options.debounceMs ?? 50);
  }

  private onChange = (change: CacheChange) => {
    for (const entry of this.entries.values()) {
      if (entry.dirty && (entry.timer || entry.listeners.size === 0)) continue;
      const { selector } = entry;
      if (selector.clusters && !selector.clusters.includes(change.cluster))
        continue;
      const o = change.object;
      if (change.type === 'resync' || !o || change.kind === 'namespaces') {
        this.markDirty(entry);
      } else if (
        (!selector.namespace || o.namespace === selector.namespace) &&
        entry.match.matches(o.labels)
      ) {
        this.markDirty(entry);
      } else {
        // A ReplicaSet or pod of a deployment on the board, without the selector's labels.
        const owner = (o as { owner?: string }).owner;
        if (
          owner &&
          entry.owners.has(ownerKey(change.cluster, o.namespace, owner))
        ) {
          this.markDirty(entry);
        }
      }
    }
  };

  private checkClusters() {
    const signature = JSON.stringify(
      this.options.cache.clusters().map(c => [c.name, c.state, c.message]),
    );
    if (signature === this.clusterSignature) return;
    this.clusterSignature = signature;
    for (const entry of this.entries.values()) this.markDirty(entry);
  }

  private evict() {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.listeners.size === 0 && now - entry.lastUsed > IDLE_MS) {
        clearTimeout(entry.timer);
        this.entries.delete(key);
      }
    }
    if (this.entries.size < MAX_ENTRIES) return;
    const idle = [...this.entries.entries()]
      .filter(([, e]) => e.listeners.size === 0)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key, entry] of idle.slice(
      0,
      this.entries.size - MAX_ENTRIES + 1,
    )) {
      clearTimeout(entry.timer);
      this.entries.delete(key);
    }
  }
}
