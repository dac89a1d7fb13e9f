import { promises as fs } from 'node:fs';
// @kubernetes/client-node's modules, not its entry point: that loads every generated API group
// (docs/content/performance.md, "The Kubernetes client's entry point").
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ClusterSummary } from '@groundcrew/plugin-infra-common';
import {
  checkClusterEndpoint,
  ClusterAuth,
  ClusterDefinition,
  FleetConfig,
} from './clusterConfig';
import { ClusterRegistry } from './ClusterRegistry';

/**
 * A cluster to register at run time. The token itself is never accepted: name a credential from
 * `groundcrew.kubernetes.credentials`, or a token file on the backend's disk.
 *
 * @public
 */
export interface ClusterRegistration {
  name: string;
  url: string;
  caData?: string;
  skipTLSVerify?: boolean;
  auth: Exclude<ClusterAuth, { type: 'token' }>;
  labels?: Record<string, string>;
}

/**
 * A change in the fleet: a cluster appeared or went away.
 *
 * @public
 */
export type FleetEvent =
  | { type: 'added'; cluster: ClusterSummary }
  | { type: 'removed'; cluster: ClusterSummary };

/**
 * The Kubernetes clusters Groundcrew works with: from config, and registered at run time.
 *
 * @public
 */
export interface KubernetesFleetService {
  listClusters(): Promise<ClusterSummary[]>;
  /** A KubeConfig for the real client, with the cluster's credentials. NotFoundError if unknown. */
  getKubeConfig(name: string): Promise<KubeConfig>;
  /** Idempotent: registering the same cluster twice changes nothing the second time. */
  registerCluster(
    cluster: ClusterRegistration,
    options?: { actor?: string },
  ): Promise<{ cluster: ClusterSummary; changed: boolean }>;
  unregisterCluster(name: string): Promise<{ removed: boolean }>;
  /** Called when a cluster is added or removed, by this replica or another one. */
  subscribe(listener: (event: FleetEvent) => void): () => void;
}

const TOKEN_FILE_TTL_MS = 60_000;

/**
 * The default {@link KubernetesFleetService}.
 *
 * @public
 */
export class KubernetesFleet implements KubernetesFleetService {
  private registered = new Map<string, ClusterDefinition>();
  private readonly listeners = new Set<(event: FleetEvent) => void>();
  private readonly tokenFiles = new Map<
    string,
    { token: string; at: number; changedAt: number }
  >();
  private timer?: NodeJS.Timeout;

  /** @internal */
  static async create(options: {
    config: FleetConfig;
    registry: ClusterRegistry;
    logger: LoggerService;
  }) {
    const fleet = new KubernetesFleet(
      options.config,
      options.registry,
      options.logger,
    );
    await fleet.sync();
    return fleet;
  }

  private constructor(
    private readonly config: FleetConfig,
    private readonly registry: ClusterRegistry,
    private readonly logger: LoggerService,
  ) {}

  /** Polls the registry so clusters registered by other replicas are seen here. */
  start() {
    this.timer ??= setInterval(() => {
      this.sync().catch(error =>
        this.logger.warn(`Could not read registered clusters: ${error}`),
      );
    }, this.config.syncIntervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async listClusters(): Promise<ClusterSummary[]> {
    return [
      ...this.config.clusters.map(c => summarize(c, 'config')),
      ...[...this.registered.values()].map(c => summarize(c, 'registered')),
    ];
  }

  async getKubeConfig(name: string): Promise<KubeConfig> {
    const cluster =
      this.config.clusters.find(c => c.name === name) ??
      this.registered.get(name);
    if (!cluster) {
      throw new NotFoundError(`No cluster named "${name}" in the fleet`);
    }
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name,
          server: cluster.url,
          caData: cluster.caData
            ? Buffer.from(cluster.caData).toString('base64')
            : undefined,
          caFile: cluster.caFile,
          skipTLSVerify: cluster.skipTLSVerify ?? false,
        },
      ],
      users: [{ name, token: await this.tokenFor(cluster) }],
      contexts: [{ name, cluster: name, user: name }],
      currentContext: name,
    });
    return kc;
  }

  async registerCluster(
    input: ClusterRegistration,
    options?: { actor?: string },
  ) {
    checkClusterEndpoint('cluster', input.name, input.url);
    if (this.config.clusters.some(c => c.name === input.name)) {
      throw new ConflictError(
        `Cluster "${input.name}" is defined in app config and cannot be registered`,
      );
    }
    if (
      input.auth.type === 'credential' &&
      !this.config.credentials.has(input.auth.name)
    ) {
      throw new InputError(
        `cluster.auth.name "${input.auth.name}" is not a credential under groundcrew.kubernetes.credentials`,
      );
    }
    const cluster: ClusterDefinition = { ...input, labels: input.labels ?? {} };
    const changed = await this.registry.upsert(
      { ...cluster, auth: input.auth },
      options?.actor,
    );
    await this.sync();
    return { cluster: summarize(cluster, 'registered'), changed };
  }

  async unregisterCluster(name: string) {
    const removed = await this.registry.remove(name);
    await this.sync();
    return { removed };
  }

  subscribe(listener: (event: FleetEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async sync() {
    const next = new Map(
      (await this.registry.list()).map(c => [c.name, c] as const),
    );
    const previous = this.registered;
    this.registered = next;
    for (const [name, cluster] of previous) {
      const now = next.get(name);
      if (!now || JSON.stringify(now) !== JSON.stringify(cluster)) {
        this.emit({
          type: 'removed',
          cluster: summarize(cluster, 'registered'),
        });
      }
    }
    for (const [name, cluster] of next) {
      const before = previous.get(name);
      if (!before || JSON.stringify(before) !== JSON.stringify(cluster)) {
        this.emit({ type: 'added', cluster: summarize(cluster, 'registered') });
      }
    }
  }

  private emit(event: FleetEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(
          `A fleet listener failed on ${event.type} ${event.cluster.name}: ${error}`,
        );
      }
    }
  }

  private async tokenFor(cluster: ClusterDefinition): Promise<string> {
    const { auth } = cluster;
    switch (auth.type) {
      case 'token':
        return auth.token;
      case 'credential': {
        const token = this.config.credentials.get(auth.name);
        if (token === undefined) {
          throw new NotFoundError(
            `Cluster "${cluster.name}" names credential "${auth.name}", which is not under groundcrew.kubernetes.credentials`,
          );
        }
        return token;
      }
      case 'tokenFile': {
        // Projected service-account tokens rotate: read the file again when it changed (a rotation
        // replaces it), and at least every minute.
        const cached = this.tokenFiles.get(auth.path);
        let token: string;
        let changedAt: number;
        try {
          changedAt = (await fs.stat(auth.path)).mtimeMs;
          if (
            cached &&
            cached.changedAt === changedAt &&
            Date.now() - cached.at < TOKEN_FILE_TTL_MS
          ) {
            return cached.token;
          }
          token = (await fs.readFile(auth.path, 'utf8')).trim();
        } catch (error) {
          throw new NotFoundError(
            `Cannot read the token file of cluster "${cluster.name}" (${
              auth.path
            }): ${(error as Error).message}`,
          );
        }
        this.tokenFiles.set(auth.path, { token, at: Date.now(), changedAt });
        return token;
      }
      default:
        throw new InputError(`Unknown auth type of cluster "${cluster.name}"`);
    }
  }
}

function summarize(
  cluster: ClusterDefinition,
  source: ClusterSummary['source'],
): ClusterSummary {
  return {
    name: cluster.name,
    url: cluster.url,
    labels: cluster.labels,
    source,
  };
}
