import { Readable } from 'node:stream';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import {
  INFRA_SEARCH_TYPE,
  InfraSearchDocument,
  PLATFORM_GROUP_REF,
} from '@groundcrew/plugin-infra-common';
import type {
  GcpService,
  KubernetesCacheService,
  VaultService,
} from '@groundcrew/plugin-infra-node';
import { CACHE_KINDS } from '@groundcrew/plugin-infra-node';
import { withCatalogOwners } from './catalogOwners';
import { CloudRunFacts, cloudRunDocuments } from './cloudRun';
import { clusterDocuments, serviceDocuments } from './kubernetes';
import { GkeFacts, projectDocuments } from './projects';
import { readAhead } from './readAhead';
import { pathDocument, VaultPath, vaultPaths } from './vault';
import { DEFAULT_SEARCH_SETTINGS, InfraSearchSettings } from '../config';

/**
 * Collates Groundcrew's infrastructure into one search type, `groundcrew-infra`, with a `kind`
 * field per document (service, cluster, project, vault): GCP projects, GKE clusters and Cloud Run
 * services through Google's clients (Cloud Asset Inventory with `groundcrew.search.assetScope`),
 * services and clusters from the watch cache, Vault paths from KV metadata listings (names only).
 * Documents are streamed: nothing holds the whole set.
 *
 * A source that fails (GCP or Vault unreachable, a denied listing) fails the run with an error
 * naming the source. The search engines then keep the index of the last good run — a Vault outage
 * does not make every secret path vanish from search until the next run. A Vault that is not
 * configured is not a failure: there are simply no Vault documents.
 *
 * @public
 */
export class InfraCollatorFactory implements DocumentCollatorFactory {
  readonly type = INFRA_SEARCH_TYPE;
  /** Each document's `authorization.resourceRef` is its entity: catalog read rules apply. */
  readonly visibilityPermission = catalogEntityReadPermission;

  static create(options: {
    cache: KubernetesCacheService;
    gcp: GcpService;
    vault: VaultService;
    logger: LoggerService;
    /** With it, owners come from catalog entities where they exist. */
    catalog?: { service: CatalogService; auth: AuthService };
    settings?: Partial<InfraSearchSettings>;
  }) {
    // What the documents read: services from Deployments and HelmReleases, owners from
    // namespaces, hostnames from routes. Not pods, ReplicaSets or Events.
    options.cache.watch([
      ...CACHE_KINDS.deployments,
      ...CACHE_KINDS.flux,
      ...CACHE_KINDS.namespaces,
      ...CACHE_KINDS.routes,
    ]);
    return new InfraCollatorFactory(options, {
      ...DEFAULT_SEARCH_SETTINGS,
      ...options.settings,
    });
  }

  private constructor(
    private readonly sources: {
      cache: KubernetesCacheService;
      gcp: GcpService;
      vault: VaultService;
      logger: LoggerService;
      catalog?: { service: CatalogService; auth: AuthService };
    },
    private readonly settings: InfraSearchSettings,
  ) {}

  async getCollator(): Promise<Readable> {
    const docs = this.documents();
    const { catalog } = this.sources;
    return Readable.from(catalog ? withCatalogOwners(docs, catalog) : docs);
  }

  /**
   * The documents, source by source; a failing source ends the stream with its error. One
   * generator for the whole run: each layer of async generators costs promises per document.
   */
  async *documents(): AsyncGenerator<InfraSearchDocument> {
    const { cache, gcp, vault, logger } = this.sources;
    // Vault's folders are listed while GCP is read (both mostly wait on their servers); the names
    // (not documents) are held until the service documents have given their owners. A run that
    // fails or is abandoned before then stops the listing.
    const vaultNames = vault.configured
      ? readAhead(
          vaultPaths({
            vault,
            concurrency: this.settings.concurrency,
            onDenied: path =>
              logger.warn(
                `Vault denies the portal a listing of ${path}: its secret names are not searchable`,
              ),
          }),
        )
      : undefined;
    const counts = { project: 0, cluster: 0, service: 0, vault: 0 };
    // Seconds per source (including the time the consumer took over their documents).
    const started = Date.now();
    const took: string[] = [];
    let lap = started;
    const timed = (what: string) => {
      const now = Date.now();
      took.push(`${what} ${((now - lap) / 1000).toFixed(1)} s`);
      lap = now;
    };
    try {
      const gke = new Map<string, GkeFacts>();
      const cloudRun = new Map<string, CloudRunFacts>();
      try {
        for await (const doc of projectDocuments({
          gcp,
          logger,
          gke,
          cloudRun,
          query: this.settings.projectQuery,
          maxProjects: this.settings.maxProjects,
          concurrency: this.settings.concurrency,
          assetScope: this.settings.assetScope,
        })) {
          counts.project++;
          yield doc;
        }
      } catch (e) {
        throw sourceFailed('GCP', e);
      }

      timed('GCP');
      if (!(await cache.waitForSync(this.settings.cacheSyncTimeoutMs))) {
        logger.warn(
          'Not every cluster has been listed yet: services and clusters are collated from what the cache holds',
        );
      }
      const clusters = cache.clusters();
      const servicesPerCluster = new Map<string, string[]>();
      const serviceOwners = new Map<string, string>();
      // Cluster services first (with their Cloud Run facts merged in), then Cloud Run-only ones:
      // generators, so the second reads `cloudRun` only once the first is done with it.
      for (const docs of [
        serviceDocuments({ cache, clusters, servicesPerCluster, cloudRun }),
        cloudRunDocuments(cloudRun),
      ]) {
        for (const doc of docs) {
          serviceOwners.set(doc.title, doc.owner);
          counts.service++;
          yield doc;
        }
      }
      for (const doc of clusterDocuments({
        clusters,
        gke,
        servicesPerCluster,
      })) {
        counts.cluster++;
        yield doc;
      }

      timed('clusters');
      if (vaultNames) {
        let names: Iterable<VaultPath>;
        try {
          names = await vaultNames.read();
        } catch (e) {
          throw sourceFailed('Vault', e);
        }
        const ownerOf = (service: string) =>
          serviceOwners.get(service) ?? PLATFORM_GROUP_REF;
        for (const name of names) {
          const doc = pathDocument(name, ownerOf);
          if (!doc) continue;
          counts.vault++;
          yield doc;
        }
        timed('Vault');
        // Vault is listed from the start, beside GCP: how long that took tells which source
        // bounds the run.
        took.push(
          `Vault listed in ${(vaultNames.readMs()! / 1000).toFixed(1)} s`,
        );
      }
    } finally {
      vaultNames?.stop();
    }
    logger.info(
      `Collated ${counts.service} services, ${counts.cluster} clusters, ${
        counts.project
      } projects and ${counts.vault} Vault paths in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s (${took.join(', ')})`,
    );
  }
}

/** Names the source in the error that ends the run. */
function sourceFailed(name: string, e: unknown) {
  return new ServiceUnavailableError(
    `Infrastructure search: ${name} could not be read, the last good index is kept: ${e}`,
    e instanceof Error ? e : undefined,
  );
}
