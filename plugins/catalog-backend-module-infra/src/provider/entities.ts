import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  KubernetesValidatorFunctions,
} from '@backstage/catalog-model';
import {
  CloudRunService,
  ClusterSummary,
  gcpConsoleUrls,
  GcpProject,
  GkeCluster,
  GROUNDCREW_ANNOTATIONS,
  GROUNDCREW_LABELS,
  infraEntityRef,
  KUBERNETES_ANNOTATIONS,
  RUNWAY_CLOUD_RUN_LABELS,
} from '@groundcrew/plugin-infra-common';

/** The provider's name, the prefix of its location annotations and its location key. */
export const PROVIDER_NAME = 'groundcrew-infra';

/** Annotations and labels the provider writes beyond those every Groundcrew plugin reads. */
export const INFRA_ANNOTATIONS = {
  cluster: 'groundcrew.io/cluster',
  clusterSources: 'groundcrew.io/cluster-sources',
  region: 'groundcrew.io/region',
  gcpProjectNumber: 'groundcrew.io/gcp-project-number',
  gcpParent: 'groundcrew.io/gcp-parent',
  gcpLabels: 'groundcrew.io/gcp-labels',
  gkeStatus: 'groundcrew.io/gke-status',
  gkeVersion: 'groundcrew.io/gke-version',
  runtime: 'groundcrew.io/runtime',
  unowned: 'groundcrew.io/unowned',
} as const;

export const INFRA_LABELS = {
  class: 'groundcrew.io/class',
  environment: 'groundcrew.io/environment',
  region: 'groundcrew.io/region',
} as const;

/** The fleet classes of seed 001. */
export const CLUSTER_CLASSES = ['cattle', 'pet', 'snowflake'] as const;

/** Where an owner is read, in order: GCP labels (projects, clusters, Cloud Run), fleet labels. */
const GCP_OWNER_LABELS = ['groundcrew-owner', 'owner', 'team'];
const FLEET_OWNER_LABELS = ['groundcrew.io/owner', ...GCP_OWNER_LABELS];
const KUBE_OWNER_LABEL = GROUNDCREW_LABELS.owner;
const KUBE_SYSTEM_LABEL = GROUNDCREW_LABELS.system;
const RUN_LABELS = RUNWAY_CLOUD_RUN_LABELS;

/** A Runway service's HelmRelease on a cluster, with its namespace's labels. */
export interface RunwayWorkload {
  cluster: string;
  namespace: string;
  service: string;
  labels: Readonly<Record<string, string>>;
  namespaceLabels: Readonly<Record<string, string>>;
}

/** Everything the sources said (or last said, for a source that is down). */
export interface InfraFacts {
  projects: GcpProject[];
  gkeClusters: GkeCluster[];
  runServices: CloudRunService[];
  fleetClusters: ClusterSummary[];
  workloads: RunwayWorkload[];
}

/** An item left out, and why: logged as a warning by the provider. */
export type Warn = (message: string) => void;

export interface BuildOptions {
  platformGroup: string;
  warn: Warn;
}

export type EntitySource = 'gcp' | 'fleet' | 'kubernetes';

function located(source: EntitySource) {
  const location = `${PROVIDER_NAME}:${source}`;
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}

const isName = (v: string) => KubernetesValidatorFunctions.isValidObjectName(v);
const isLabelValue = (v: string | undefined): v is string =>
  !!v && KubernetesValidatorFunctions.isValidLabelValue(v);

type Owner = { ref: string; unowned: boolean };

/** Drops the keys whose value is undefined (conditional annotations and labels). */
function strings(
  o: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/**
 * The owner named by the first of `keys` present in `labels`: `{ ref }`, undefined when none is
 * there, or `null` when the value cannot be an entity name (the item is skipped).
 */
function ownerFrom(
  labels: Readonly<Record<string, string>>,
  keys: string[],
): Owner | undefined | null {
  for (const key of keys) {
    const value = labels[key];
    if (value === undefined || value === '') continue;
    if (!isName(value)) return null;
    return { ref: `group:default/${value}`, unowned: false };
  }
  return undefined;
}

function ownership(owner: Owner): Record<string, string> {
  return owner.unowned ? { [INFRA_ANNOTATIONS.unowned]: 'true' } : {};
}

function environmentLabel(
  environment: string | undefined,
): Record<string, string> {
  return isLabelValue(environment)
    ? { [INFRA_LABELS.environment]: environment }
    : {};
}

function projectEntity(
  p: GcpProject,
  owner: Owner,
): Entity & { spec: Record<string, unknown> } {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: p.projectId,
      ...(p.displayName ? { title: p.displayName } : {}),
      description: `GCP project ${p.projectId} in ${p.parent}`,
      labels: strings(environmentLabel(p.labels.environment)),
      annotations: strings({
        ...located('gcp'),
        [GROUNDCREW_ANNOTATIONS.gcpProject]: p.projectId,
        [INFRA_ANNOTATIONS.gcpProjectNumber]: p.projectNumber,
        [INFRA_ANNOTATIONS.gcpParent]: p.parent,
        [INFRA_ANNOTATIONS.gcpLabels]: JSON.stringify(p.labels),
        ...ownership(owner),
      }),
      links: [
        {
          url: gcpConsoleUrls.project(p.projectId),
          title: 'Google Cloud console',
        },
      ],
    },
    spec: { type: 'gcp-project', owner: owner.ref },
  };
}

interface MergedCluster {
  name: string;
  gke?: GkeCluster;
  fleet?: ClusterSummary;
}

/** One record per cluster name; a second GKE cluster of the same name is skipped. */
function mergeClusters(facts: InfraFacts, warn: Warn): MergedCluster[] {
  const byName = new Map<string, MergedCluster>();
  for (const fleet of facts.fleetClusters) {
    byName.set(fleet.name, { name: fleet.name, fleet });
  }
  // The fleet's `gcp-project` label says which of two same-named GKE clusters it means.
  const gke = [...facts.gkeClusters].sort((a, b) => {
    const fa = byName.get(a.name)?.fleet?.labels['gcp-project'] === a.projectId;
    const fb = byName.get(b.name)?.fleet?.labels['gcp-project'] === b.projectId;
    if (fa !== fb) return fa ? -1 : 1;
    return a.projectId.localeCompare(b.projectId);
  });
  for (const cluster of gke) {
    const merged = byName.get(cluster.name) ?? { name: cluster.name };
    if (merged.gke) {
      warn(
        `GKE cluster ${cluster.name} of ${cluster.projectId} has the name of a cluster of ${merged.gke.projectId}; skipped (a catalog entity is named after the cluster)`,
      );
      continue;
    }
    merged.gke = cluster;
    byName.set(cluster.name, merged);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function clusterEntity(
  c: MergedCluster,
  options: {
    projectOwners: Map<string, Owner>;
    platformGroup: string;
    warn: Warn;
  },
): Entity | undefined {
  const { gke, fleet } = c;
  const fleetLabels = fleet?.labels ?? {};
  const gkeLabels = gke?.labels ?? {};
  if (!isName(c.name)) {
    options.warn(`Cluster "${c.name}" is not a valid entity name; skipped`);
    return undefined;
  }
  const projectId = gke?.projectId ?? fleetLabels['gcp-project'];
  const region = gke?.location ?? fleetLabels.region;
  const environment = gkeLabels.environment ?? fleetLabels.environment;

  const own =
    ownerFrom(gkeLabels, GCP_OWNER_LABELS) ??
    ownerFrom(fleetLabels, FLEET_OWNER_LABELS);
  if (own === null) {
    options.warn(
      `Cluster ${c.name} has an owner label that is not a group name; skipped`,
    );
    return undefined;
  }
  const projectOwner = projectId
    ? options.projectOwners.get(projectId)
    : undefined;
  const owner: Owner = own ??
    (projectOwner && !projectOwner.unowned ? projectOwner : undefined) ?? {
      ref: options.platformGroup,
      unowned: true,
    };

  const rawClass = fleetLabels.class ?? gkeLabels.class;
  let clusterClass: string | undefined;
  if (rawClass !== undefined) {
    if ((CLUSTER_CLASSES as readonly string[]).includes(rawClass)) {
      clusterClass = rawClass;
    } else {
      options.warn(
        `Cluster ${
          c.name
        } has class "${rawClass}", not one of ${CLUSTER_CLASSES.join(
          ', ',
        )}; the class is left out`,
      );
    }
  }

  const sources = [gke ? 'gke' : undefined, fleet ? 'fleet' : undefined]
    .filter(Boolean)
    .join(',');
  const knownProject = projectId && options.projectOwners.has(projectId);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: c.name,
      description: gke
        ? `GKE cluster ${c.name} in ${gke.projectId}/${gke.location}`
        : `Kubernetes cluster ${c.name} (fleet)`,
      labels: strings({
        ...(clusterClass ? { [INFRA_LABELS.class]: clusterClass } : {}),
        ...environmentLabel(environment),
        ...(isLabelValue(region) ? { [INFRA_LABELS.region]: region } : {}),
      }),
      annotations: strings({
        ...located(gke ? 'gcp' : 'fleet'),
        [INFRA_ANNOTATIONS.cluster]: c.name,
        [INFRA_ANNOTATIONS.clusterSources]: sources,
        ...(projectId
          ? { [GROUNDCREW_ANNOTATIONS.gcpProject]: projectId }
          : {}),
        ...(region ? { [INFRA_ANNOTATIONS.region]: region } : {}),
        ...(gke ? { [INFRA_ANNOTATIONS.gkeStatus]: gke.status } : {}),
        ...(gke?.currentMasterVersion
          ? { [INFRA_ANNOTATIONS.gkeVersion]: gke.currentMasterVersion }
          : {}),
        ...ownership(owner),
      }),
      ...(gke
        ? {
            links: [
              {
                url: gcpConsoleUrls.cluster(gke),
                title: 'Google Cloud console',
              },
            ],
          }
        : {}),
    },
    spec: {
      type: 'kubernetes-cluster',
      owner: owner.ref,
      ...(knownProject
        ? { dependsOn: [infraEntityRef.project(projectId)] }
        : {}),
    },
  };
}

interface ServicePlace {
  /** The cluster (GKE) or undefined (Cloud Run). */
  cluster?: string;
  namespace?: string;
  projectId?: string;
  owner: Owner | undefined | null;
  system?: string;
  where: string;
}

function servicePlaces(facts: InfraFacts, warn: Warn) {
  const places = new Map<string, ServicePlace[]>();
  const add = (service: string, place: ServicePlace) => {
    if (!isName(service)) {
      warn(
        `Runway service "${service}" (${place.where}) is not a valid entity name; skipped`,
      );
      return;
    }
    places.set(service, [...(places.get(service) ?? []), place]);
  };
  for (const w of facts.workloads) {
    add(w.service, {
      cluster: w.cluster,
      namespace: w.namespace,
      owner:
        ownerFrom(w.labels, [KUBE_OWNER_LABEL]) ??
        ownerFrom(w.namespaceLabels, [KUBE_OWNER_LABEL]),
      system:
        w.labels[KUBE_SYSTEM_LABEL] ?? w.namespaceLabels[KUBE_SYSTEM_LABEL],
      where: `namespace ${w.namespace} of cluster ${w.cluster}`,
    });
  }
  for (const s of facts.runServices) {
    const service = s.labels[RUN_LABELS.service];
    if (!service) continue;
    add(service, {
      projectId: s.projectId,
      owner: ownerFrom(s.labels, [RUN_LABELS.owner]),
      system: s.labels[RUN_LABELS.system],
      where: `Cloud Run service ${s.name} of ${s.projectId}/${s.location}`,
    });
  }
  return places;
}

function serviceEntity(
  name: string,
  places: ServicePlace[],
  options: {
    clusters: Map<string, Entity>;
    projects: Map<string, Entity>;
    platformGroup: string;
    warn: Warn;
  },
): Entity | undefined {
  const bad = places.find(p => p.owner === null);
  if (bad) {
    options.warn(
      `Runway service ${name} has an owner label in ${bad.where} that is not a group name; skipped`,
    );
    return undefined;
  }
  const owners = [
    ...new Set(places.map(p => p.owner?.ref).filter((o): o is string => !!o)),
  ];
  if (owners.length > 1) {
    options.warn(
      `Runway service ${name} has owners ${owners.join(
        ', ',
      )} in different places; ${owners[0]} is used`,
    );
  }
  const owner: Owner = owners.length
    ? { ref: owners[0], unowned: false }
    : { ref: options.platformGroup, unowned: true };

  const clusters = [
    ...new Set(places.map(p => p.cluster).filter((c): c is string => !!c)),
  ].sort();
  const namespaces = [...new Set(places.map(p => p.namespace))];
  const projectIds = [
    ...new Set([
      ...places.map(p => p.projectId),
      ...clusters.map(
        c =>
          options.clusters.get(c)?.metadata.annotations?.[
            GROUNDCREW_ANNOTATIONS.gcpProject
          ],
      ),
    ]),
  ]
    .filter((p): p is string => !!p)
    .sort();
  const onRun = places.some(p => !p.cluster);
  const system = places.map(p => p.system).find(s => s && isName(s));
  const related = [
    ...clusters.map(c => options.clusters.get(c)),
    ...projectIds.map(p => options.projects.get(p)),
  ].filter((e): e is Entity => !!e);
  const production = related.some(
    e => e.metadata.labels?.[INFRA_LABELS.environment] === 'production',
  );
  const dependsOn = [
    ...clusters
      .filter(c => options.clusters.has(c))
      .map(infraEntityRef.cluster),
    ...projectIds
      .filter(p => options.projects.has(p))
      .map(infraEntityRef.project),
  ];
  const whereText = [
    ...(clusters.length ? [`clusters ${clusters.join(', ')}`] : []),
    ...(onRun ? ['Cloud Run'] : []),
  ].join(' and ');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      description: `Runway service ${name}, found on ${whereText}`,
      tags: [
        'runway',
        ...(clusters.length ? ['gke'] : []),
        ...(onRun ? ['cloud-run'] : []),
      ],
      annotations: strings({
        ...located(clusters.length ? 'kubernetes' : 'gcp'),
        [GROUNDCREW_ANNOTATIONS.runwayService]: name,
        [KUBERNETES_ANNOTATIONS.id]: name,
        ...(clusters.length
          ? { [GROUNDCREW_ANNOTATIONS.clusters]: clusters.join(',') }
          : {}),
        ...(clusters.length && namespaces.length === 1 && namespaces[0]
          ? { [KUBERNETES_ANNOTATIONS.namespace]: namespaces[0] }
          : {}),
        ...(projectIds.length === 1
          ? { [GROUNDCREW_ANNOTATIONS.gcpProject]: projectIds[0] }
          : {}),
        ...ownership(owner),
      }),
    },
    spec: {
      type: 'service',
      lifecycle: production ? 'production' : 'experimental',
      owner: owner.ref,
      ...(system ? { system } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
    },
  };
}

/**
 * The entities for what the sources said: projects, clusters (GKE and fleet merged by name) and
 * Runway services (merged by name across clusters and Cloud Run). An item with a malformed owner
 * label or name is left out with a warning; the rest are built.
 */
export function buildEntities(
  facts: InfraFacts,
  options: BuildOptions,
): { projects: Entity[]; clusters: Entity[]; services: Entity[] } {
  const { warn, platformGroup } = options;
  const projectOwners = new Map<string, Owner>();
  const projects = new Map<string, Entity>();
  for (const p of [...facts.projects].sort((a, b) =>
    a.projectId.localeCompare(b.projectId),
  )) {
    if (!isName(p.projectId)) {
      warn(`GCP project "${p.projectId}" is not a valid entity name; skipped`);
      continue;
    }
    const own = ownerFrom(p.labels, GCP_OWNER_LABELS);
    if (own === null) {
      warn(
        `GCP project ${p.projectId} has an owner label that is not a group name; skipped`,
      );
      continue;
    }
    const owner = own ?? { ref: platformGroup, unowned: true };
    projectOwners.set(p.projectId, owner);
    projects.set(p.projectId, projectEntity(p, owner));
  }

  const clusters = new Map<string, Entity>();
  for (const c of mergeClusters(facts, warn)) {
    if (projects.has(c.name)) {
      warn(
        `Cluster ${c.name} has the name of a GCP project; skipped (both would be resource:default/${c.name})`,
      );
      continue;
    }
    const entity = clusterEntity(c, { projectOwners, platformGroup, warn });
    if (entity) clusters.set(c.name, entity);
  }

  const services: Entity[] = [];
  for (const [name, places] of [...servicePlaces(facts, warn)].sort(
    ([a], [b]) => a.localeCompare(b),
  )) {
    const entity = serviceEntity(name, places, {
      clusters,
      projects,
      platformGroup,
      warn,
    });
    if (entity) services.push(entity);
  }
  return {
    projects: [...projects.values()],
    clusters: [...clusters.values()],
    services,
  };
}
