import type {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  DEFAULT_NAMESPACE,
  Entity,
} from '@backstage/catalog-model';
import type {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  GROUNDCREW_ANNOTATIONS,
  type CloudRunService,
  type ClusterSummary,
  type GcpProject,
  type GkeCluster,
} from '@groundcrew/plugin-infra-common';
import type {
  GcpService,
  KubernetesCacheService,
  KubernetesFleetService,
} from '@groundcrew/plugin-infra-node';
import { CACHE_KINDS } from '@groundcrew/plugin-infra-node';
import {
  buildEntities,
  InfraFacts,
  PROVIDER_NAME,
  RunwayWorkload,
} from './entities';
import {
  readClusterWorkloads,
  readFleet,
  readProject,
  readProjects,
} from './sources';

/**
 * What the status endpoint says about one source.
 *
 * @public
 */
export interface InfraSourceStatus {
  /** `gcp` (project search), `gcp:<project>` (its clusters and Cloud Run), `fleet`, `kubernetes:<cluster>`. */
  source: string;
  /** When it last answered (ISO 8601). */
  lastSuccess?: string;
  /** Its last failure, when it failed since it last answered. */
  lastError?: { at: string; message: string };
  /** True while its last good answer stands in for it. */
  usingLastGood: boolean;
  /** Items it contributes to the catalog (projects, clusters, Cloud Run or Kubernetes services). */
  entityCount: number;
}

/**
 * What the status endpoint answers.
 *
 * @public
 */
export interface InfraProviderStatus {
  lastRun?: {
    at: string;
    entities: number;
    /** `full`, or `delta` when a source with no last good answer failed (nothing is removed). */
    mutation: 'full' | 'delta';
    /** Items left out (malformed label, name clash), with why. */
    skipped: string[];
    /** Runway services left to another catalog entity, or still in their grace period. */
    deferredServices: string[];
  };
  sources: InfraSourceStatus[];
}

interface Snapshot<T> {
  facts: T;
  at: string;
  count: number;
}

interface SourceRecord {
  snapshot?: Snapshot<unknown>;
  lastError?: { at: string; message: string };
  usingLastGood: boolean;
}

type ProjectFacts = Awaited<ReturnType<typeof readProject>>;

/** After a delta run (a source never answered yet), the next run comes this soon. */
const RETRY_AFTER_DELTA_MS = 15_000;

/** How long a run waits for the Kubernetes cache's first lists. */
const CACHE_SYNC_WAIT_MS = 30_000;

/** Max characters of a source's error kept for the status endpoint. */
const MAX_ERROR = 500;

/**
 * What {@link GroundcrewInfraEntityProvider} is built with.
 *
 * @public
 */
export interface GroundcrewInfraEntityProviderOptions {
  gcp: GcpService;
  fleet: KubernetesFleetService;
  cache: KubernetesCacheService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Owner of what has no owner label. */
  platformGroup: string;
  /** How long a newly found service waits before it is emitted. */
  serviceGracePeriodMs: number;
  /** Runs {@link GroundcrewInfraEntityProvider.refresh} on schedule once connected; none in tests. */
  taskRunner?: SchedulerServiceTaskRunner;
  /** For tests: the time now, in ms. */
  now?: () => number;
}

/**
 * Puts GCP projects, Kubernetes clusters and Runway services into the catalog, as one full
 * mutation per run. A source that fails keeps its last good answer (no mass deletion on an outage);
 * a malformed item is left out with a warning.
 *
 * @public
 */
export class GroundcrewInfraEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly sources = new Map<string, SourceRecord>();
  private readonly firstSeen = new Map<string, number>();
  private readonly emittedServices = new Set<string>();
  private lastRun?: InfraProviderStatus['lastRun'];
  private running?: Promise<void>;
  private again = false;
  private retry?: NodeJS.Timeout;

  static create(options: GroundcrewInfraEntityProviderOptions) {
    options.cache.watch([...CACHE_KINDS.flux, ...CACHE_KINDS.namespaces]);
    return new GroundcrewInfraEntityProvider(options);
  }

  private constructor(
    private readonly options: GroundcrewInfraEntityProviderOptions,
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner?.run({
      id: `${PROVIDER_NAME}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // The scheduler logs too, but without saying which provider.
          this.options.logger.error(
            `Groundcrew infrastructure refresh failed: ${error}`,
          );
          throw error;
        }
      },
    });
  }

  /** {@link GroundcrewInfraEntityProvider.refresh}, or nothing before the catalog connected it. */
  async refreshIfConnected(): Promise<void> {
    if (!this.connection) return;
    await this.refresh();
  }

  /**
   * Reads every source and applies the result. Calls while a run is under way make one more run
   * after it (a template's change is never missed, and never read twice at once).
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.run();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  status(): InfraProviderStatus {
    return {
      ...(this.lastRun ? { lastRun: this.lastRun } : {}),
      sources: [...this.sources.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([source, r]) => ({
          source,
          ...(r.snapshot ? { lastSuccess: r.snapshot.at } : {}),
          ...(r.lastError ? { lastError: r.lastError } : {}),
          usingLastGood: r.usingLastGood,
          entityCount: r.snapshot?.count ?? 0,
        })),
    };
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * Reads one source: its answer on success, else its last good answer (undefined when it never
   * answered; `missing` is then set, so the run removes nothing).
   */
  private async read<T>(
    source: string,
    fn: () => Promise<T> | T,
    count: (facts: T) => number,
    run: { missing: string[] },
  ): Promise<T | undefined> {
    const record = this.sources.get(source) ?? { usingLastGood: false };
    this.sources.set(source, record);
    try {
      const facts = await fn();
      record.snapshot = {
        facts,
        at: new Date(this.now()).toISOString(),
        count: count(facts),
      };
      record.lastError = undefined;
      record.usingLastGood = false;
      return facts;
    } catch (error) {
      const message = String((error as Error)?.message ?? error).slice(
        0,
        MAX_ERROR,
      );
      record.lastError = { at: new Date(this.now()).toISOString(), message };
      record.usingLastGood = !!record.snapshot;
      if (record.snapshot) {
        this.options.logger.warn(
          `Groundcrew infrastructure source ${source} failed; its last good answer of ${record.snapshot.at} stands in for it: ${message}`,
        );
        return record.snapshot.facts as T;
      }
      this.options.logger.warn(
        `Groundcrew infrastructure source ${source} failed and has never answered since start; this run removes nothing from the catalog: ${message}`,
      );
      run.missing.push(source);
      return undefined;
    }
  }

  private async gather(run: { missing: string[] }): Promise<InfraFacts> {
    const { gcp, fleet, cache } = this.options;
    const projects: GcpProject[] =
      (await this.read(
        'gcp',
        () => readProjects(gcp),
        p => p.length,
        run,
      )) ?? [];
    const perProject = await Promise.all(
      projects.map(p =>
        this.read<ProjectFacts>(
          `gcp:${p.projectId}`,
          () => readProject(gcp, p.projectId),
          f => f.clusters.length + f.runServices.length,
          run,
        ),
      ),
    );
    // Right after start the cache is still listing: wait a little for a complete view rather than
    // stand in with nothing (which would make this run a delta).
    await cache.waitForSync(CACHE_SYNC_WAIT_MS);
    const fleetClusters: ClusterSummary[] =
      (await this.read(
        'fleet',
        () => readFleet(fleet),
        c => c.length,
        run,
      )) ?? [];
    const workloads: RunwayWorkload[] = [];
    for (const cluster of fleetClusters) {
      const found = await this.read(
        `kubernetes:${cluster.name}`,
        () => readClusterWorkloads(cache, cluster.name),
        w => new Set(w.map(x => x.service)).size,
        run,
      );
      workloads.push(...(found ?? []));
    }
    // Forget sources that no longer exist (a deleted project, an unregistered cluster), unless
    // the source that lists them is itself standing in with an old answer.
    const live = new Set([
      'gcp',
      'fleet',
      ...projects.map(p => `gcp:${p.projectId}`),
      ...fleetClusters.map(c => `kubernetes:${c.name}`),
    ]);
    for (const key of this.sources.keys()) {
      if (!live.has(key)) this.sources.delete(key);
    }
    return {
      projects,
      gkeClusters: perProject.flatMap(f => f?.clusters ?? []) as GkeCluster[],
      runServices: perProject.flatMap(
        f => f?.runServices ?? [],
      ) as CloudRunService[],
      fleetClusters,
      workloads,
    };
  }

  /**
   * Which Components the catalog has from elsewhere for these service names (by name or by
   * `groundcrew.io/runway-service`), and which of ours it has. Undefined when the catalog cannot say.
   */
  private async catalogClaims(
    names: string[],
  ): Promise<{ others: Set<string>; ours: Set<string> } | undefined> {
    if (!names.length) return { others: new Set(), ours: new Set() };
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const { items } = await this.options.catalog.getEntities(
        {
          filter: [
            { kind: 'component', 'metadata.name': names },
            {
              kind: 'component',
              [`metadata.annotations.${GROUNDCREW_ANNOTATIONS.runwayService}`]:
                names,
            },
          ],
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        },
        { credentials },
      );
      const others = new Set<string>();
      const ours = new Set<string>();
      const wanted = new Set(names);
      for (const e of items) {
        const ann = e.metadata.annotations ?? {};
        const mine = (ann[ANNOTATION_LOCATION] ?? '').startsWith(
          `${PROVIDER_NAME}:`,
        );
        const byName =
          (e.metadata.namespace ?? DEFAULT_NAMESPACE) === DEFAULT_NAMESPACE &&
          wanted.has(e.metadata.name)
            ? e.metadata.name
            : undefined;
        const byAnnotation = ann[GROUNDCREW_ANNOTATIONS.runwayService];
        for (const name of [byName, byAnnotation]) {
          if (!name || !wanted.has(name)) continue;
          (mine ? ours : others).add(name);
        }
      }
      return { others, ours };
    } catch (error) {
      this.options.logger.warn(
        `Cannot ask the catalog which Runway services it already has; only services emitted before are kept this run: ${error}`,
      );
      return undefined;
    }
  }

  /** The services to emit: not claimed elsewhere, and ours already or past their grace period. */
  private async selectServices(services: Entity[], deferred: string[]) {
    const names = services.map(s => s.metadata.name);
    const claims = await this.catalogClaims(names);
    const now = this.now();
    for (const name of [...this.firstSeen.keys()]) {
      if (!names.includes(name)) this.firstSeen.delete(name);
    }
    const out: Entity[] = [];
    for (const service of services) {
      const name = service.metadata.name;
      if (!this.firstSeen.has(name)) this.firstSeen.set(name, now);
      if (!claims) {
        if (this.emittedServices.has(name)) out.push(service);
        else deferred.push(name);
        continue;
      }
      if (claims.others.has(name)) {
        this.options.logger.debug(
          `Runway service ${name} already has a catalog entity from another location; not emitted`,
        );
        deferred.push(name);
        continue;
      }
      const waited = now - this.firstSeen.get(name)!;
      if (
        claims.ours.has(name) ||
        this.emittedServices.has(name) ||
        waited >= this.options.serviceGracePeriodMs
      ) {
        out.push(service);
      } else {
        this.options.logger.debug(
          `Runway service ${name} is new; it is emitted once no other catalog entity claims it within the grace period`,
        );
        deferred.push(name);
      }
    }
    this.emittedServices.clear();
    for (const s of out) this.emittedServices.add(s.metadata.name);
    return out;
  }

  /**
   * Right after a start a source may not have answered yet (a cluster still listing): run again
   * soon rather than at the next scheduled time, so that removals are not held back for long.
   */
  private retrySoon() {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.refresh().catch(error =>
        this.options.logger.warn(
          `Groundcrew infrastructure refresh failed: ${error}`,
        ),
      );
    }, RETRY_AFTER_DELTA_MS);
    this.retry.unref();
  }

  private async run(): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      throw new Error(`${PROVIDER_NAME} is not connected to the catalog yet`);
    }
    const { logger, platformGroup } = this.options;
    const runState = { missing: [] as string[] };
    const facts = await this.gather(runState);
    const skipped: string[] = [];
    const built = buildEntities(facts, {
      platformGroup,
      warn: message => {
        skipped.push(message);
        logger.warn(message);
      },
    });
    const deferredServices: string[] = [];
    const services = await this.selectServices(
      built.services,
      deferredServices,
    );
    const entities = [...built.projects, ...built.clusters, ...services];
    const deferred = entities.map(entity => ({
      entity,
      locationKey: PROVIDER_NAME,
    }));
    const mutation = runState.missing.length ? 'delta' : 'full';
    if (mutation === 'full') {
      await connection.applyMutation({ type: 'full', entities: deferred });
    } else {
      await connection.applyMutation({
        type: 'delta',
        added: deferred,
        removed: [],
      });
    }
    if (mutation === 'delta') this.retrySoon();
    this.lastRun = {
      at: new Date(this.now()).toISOString(),
      entities: entities.length,
      mutation,
      skipped,
      deferredServices,
    };
    logger.info(
      `Groundcrew infrastructure: ${built.projects.length} projects, ${
        built.clusters.length
      } clusters, ${services.length} services (${mutation} mutation${
        skipped.length ? `, ${skipped.length} skipped` : ''
      })`,
    );
  }
}
