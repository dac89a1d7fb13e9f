import {
  CLUSTER_LABELS,
  InfraSearchDocument,
  RUNWAY_LABELS,
} from '@groundcrew/plugin-infra-common';
import type {
  CachedFlux,
  CachedRoute,
  ClusterCacheState,
  KubernetesCacheService,
} from '@groundcrew/plugin-infra-node';
import {
  infraDocument,
  infraEntityRef,
  labelList,
  OWNER_LABELS,
  ownerFromLabels,
  ownerLabel,
} from './entities';
import { CloudRunFacts, cloudRunProject } from './cloudRun';
import type { GkeFacts } from './projects';

/** The label (fleet or GKE) that carries a cluster's class, as the entity provider reads it. */
export const CLUSTER_CLASS_LABEL = 'class';
const CLUSTER_CLASSES = new Set(['cattle', 'pet', 'snowflake']);

/**
 * What the collation holds of a service until its document is yielded: one of these per service
 * (40,000 in the bench), so references into the cache and the cluster list, not sets of strings.
 * Environments, regions, route names and hostnames are derived when the document is made.
 */
interface ServiceFacts {
  /**
   * Indexes into the collated clusters, in order, each once. Made as `[index]` when the service is
   * first seen: an array made empty and then pushed to gets room for 16 elements (144 B), and most
   * services have one cluster and one route. For the bench's 40,000 services that was 10 MB more
   * held during the merge, ≈ 13 MB more at the collation's peak (V8 lets the heap grow ≈ 1.33 ×
   * what it holds).
   */
  clusters: number[];
  /** Undefined until the first route; then made as `[route]`, as `clusters`. */
  routes: CachedRoute[] | undefined;
  deployments: number;
  owner?: string;
}

/**
 * Service documents, one per Runway service however many clusters it runs on, from the watch
 * cache (no request to any API server): its clusters, environments, regions, routes and
 * hostnames. Also notes the services of each cluster in `servicesPerCluster`. A service that
 * also runs on Cloud Run (in `cloudRun`) gets its Cloud Run regions, URL host and project in the
 * same document, and is removed from `cloudRun`.
 */
export function* serviceDocuments(options: {
  cache: KubernetesCacheService;
  clusters: ClusterCacheState[];
  servicesPerCluster: Map<string, string[]>;
  cloudRun?: Map<string, CloudRunFacts>;
}): Generator<InfraSearchDocument> {
  const { clusters } = options;
  const services = new Map<string, ServiceFacts>();
  for (const [index, cluster] of clusters.entries()) {
    const byNamespace = new Map<string, ServiceFacts>();
    const releases = new Map<string, CachedFlux>();
    for (const f of options.cache.flux(cluster.name)) {
      const name = f.labels[RUNWAY_LABELS.service];
      if (f.kind === 'HelmRelease' && name) releases.set(name, f);
    }
    const onCluster: string[] = [];
    const found = (name: string, namespace: string, deployments: number) => {
      let facts = services.get(name);
      // Clusters are gone through in order: a service already seen here was seen last.
      const newHere =
        !facts || facts.clusters[facts.clusters.length - 1] !== index;
      if (!facts) {
        facts = {
          clusters: [index],
          routes: undefined,
          deployments: 0,
          owner: undefined,
        };
        services.set(name, facts);
      } else if (newHere) {
        facts.clusters.push(index);
      }
      if (newHere) {
        onCluster.push(name);
        facts.owner ??= ownerOnCluster(
          options.cache,
          cluster.name,
          namespace,
          releases.get(name),
        );
      }
      facts.deployments += deployments;
      byNamespace.set(namespace, facts);
    };
    for (const d of options.cache.deployments(cluster.name)) {
      const name = d.labels[RUNWAY_LABELS.service];
      if (name) found(name, d.namespace, 1);
    }
    // A turned-up service whose chart has not rendered yet is there too.
    for (const [name, release] of releases) {
      found(name, release.namespace, 0);
    }
    options.servicesPerCluster.set(cluster.name, onCluster);
    for (const route of options.cache.routes(cluster.name)) {
      const facts = byNamespace.get(route.namespace);
      if (!facts) continue;
      if (facts.routes) facts.routes.push(route);
      else facts.routes = [route];
    }
  }
  for (const name of [...services.keys()].sort()) {
    const facts = services.get(name)!;
    const environments = new Set<string>();
    const regions = new Set<string>();
    for (const i of facts.clusters) {
      const env = clusters[i].labels[CLUSTER_LABELS.environment];
      const region = clusters[i].labels[CLUSTER_LABELS.region];
      if (env) environments.add(env);
      if (region) regions.add(region);
    }
    const routes = new Set<string>();
    const hostnames = new Set<string>();
    for (const route of facts.routes ?? []) {
      routes.add(`${route.kind} ${route.namespace}/${route.name}`);
      for (const host of route.hosts) hostnames.add(host);
    }
    const run = options.cloudRun?.get(name);
    if (run) {
      for (const r of run.regions) regions.add(r);
      for (const e of run.environments) environments.add(e);
      for (const h of run.hostnames) hostnames.add(h);
      options.cloudRun!.delete(name);
    }
    yield infraDocument({
      kind: 'service',
      title: name,
      entityRef: infraEntityRef.service(name),
      owner: facts.owner ?? run?.owner ?? ownerFromLabels(undefined),
      words: ['runway service', run ? 'cloud run' : ''],
      facts: {
        project: run ? cloudRunProject(run) : undefined,
        clusters: facts.clusters.map(i => clusters[i].name).sort(),
        environments: [...environments].sort(),
        regions: [...regions].sort(),
        hostnames: [...hostnames].sort(),
        routes: [...routes].sort(),
        workloads: facts.deployments,
      },
    });
    // What is yielded is no longer needed: keep the map shrinking as the stream goes.
    services.delete(name);
  }
}

/** The owner label of the service's HelmRelease, else of its namespace. */
function ownerOnCluster(
  cache: KubernetesCacheService,
  cluster: string,
  namespace: string,
  release: CachedFlux | undefined,
): string | undefined {
  return (
    ownerLabel(release?.labels, OWNER_LABELS.kubernetes) ??
    ownerLabel(
      cache.namespace(cluster, namespace)?.labels,
      OWNER_LABELS.kubernetes,
    )
  );
}

/**
 * Cluster documents: the fleet's clusters (state in the watch cache, labels, Runway services on
 * them), completed by GKE (project, location, version); GKE clusters outside the fleet too.
 */
export function* clusterDocuments(options: {
  clusters: ClusterCacheState[];
  gke: Map<string, GkeFacts>;
  servicesPerCluster: Map<string, string[]>;
}): Generator<InfraSearchDocument> {
  const seen = new Set<string>();
  for (const c of options.clusters) {
    seen.add(c.name);
    const gke = options.gke.get(c.name);
    yield clusterDocument({
      name: c.name,
      labels: { ...gke?.labels, ...c.labels },
      status: c.state,
      gke,
      services: options.servicesPerCluster.get(c.name) ?? [],
    });
  }
  for (const gke of options.gke.values()) {
    if (seen.has(gke.name)) continue;
    yield clusterDocument({
      name: gke.name,
      labels: gke.labels,
      status: gke.status.toLowerCase(),
      gke,
      services: [],
    });
  }
}

function clusterDocument(c: {
  name: string;
  labels: Record<string, string>;
  status: string;
  gke?: GkeFacts;
  /** The Runway services on it: searching a service finds its clusters. */
  services: string[];
}): InfraSearchDocument {
  const region = c.labels[CLUSTER_LABELS.region] ?? c.gke?.location;
  const env = c.labels[CLUSTER_LABELS.environment];
  return infraDocument({
    kind: 'cluster',
    title: c.name,
    entityRef: infraEntityRef.cluster(c.name),
    owner:
      ownerLabel(c.labels) ?? c.gke?.projectOwner ?? ownerFromLabels(undefined),
    words: ['kubernetes cluster', c.gke ? 'gke' : '', ...c.services],
    facts: {
      clusters: [c.name],
      environments: env ? [env] : [],
      regions: region ? [region] : [],
      project: c.gke?.projectId,
      version: c.gke?.currentMasterVersion,
      clusterClass: CLUSTER_CLASSES.has(c.labels[CLUSTER_CLASS_LABEL])
        ? c.labels[CLUSTER_CLASS_LABEL]
        : undefined,
      workloads: c.services.length,
      labels: labelList(c.labels),
      status: c.status,
    },
  });
}
