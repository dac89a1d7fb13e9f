import {
  infraEntityRef,
  InfraSearchDocument,
  InfraSearchKind,
  PLATFORM_GROUP_REF,
} from '@groundcrew/plugin-infra-common';

/**
 * Which catalog entity a piece of infrastructure is: the refs the entity provider writes, so that
 * a document links to the entity page and the permission filter decides on that entity.
 */
export { infraEntityRef };

/**
 * Labels that name the owning group, most specific first, as the entity provider reads them: GCP
 * labels on projects and clusters (GCP allows no `/` in a key), Kubernetes labels on a service's
 * HelmRelease or namespace.
 */
export const OWNER_LABELS = {
  gcp: ['groundcrew-owner', 'owner', 'team'],
  kubernetes: ['groundcrew.io/owner'],
} as const;

/** The owning group named by labels (`team-ai` or `group:default/team-ai`), if any. */
export function ownerLabel(
  labels: Readonly<Record<string, string>> | undefined,
  keys: readonly string[] = OWNER_LABELS.gcp,
): string | undefined {
  for (const key of keys) {
    const value = labels?.[key];
    if (value) return value.includes(':') ? value : `group:default/${value}`;
  }
  return undefined;
}

/** The owning group from labels; unlabelled infrastructure belongs to the platform group. */
export function ownerFromLabels(
  labels: Readonly<Record<string, string>> | undefined,
  keys: readonly string[] = OWNER_LABELS.gcp,
): string {
  return ownerLabel(labels, keys) ?? PLATFORM_GROUP_REF;
}

/** `/catalog/default/component/ai-gateway` for `component:default/ai-gateway`. */
export function entityPage(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/catalog/${namespace}/${kind}/${encodeURIComponent(name)}`;
}

/** The facts a document may carry; the rest of the fields are filled in empty. */
export type DocumentFacts = Partial<
  Omit<
    InfraSearchDocument,
    'kind' | 'entityRef' | 'owner' | 'title' | 'location' | 'authorization'
  >
>;

/**
 * A document with every field present (the Lunr engine takes its fields from the first document),
 * its text made of its title and facts, and its authorization set to its entity.
 */
export function infraDocument(input: {
  kind: InfraSearchKind;
  title: string;
  entityRef: string;
  owner: string;
  /** Default: the entity page; must be unique per document. */
  location?: string;
  /** Words searched besides the facts. */
  words?: string[];
  facts: DocumentFacts;
}): InfraSearchDocument {
  const f = input.facts;
  const doc: InfraSearchDocument = {
    title: input.title,
    text: '',
    location: input.location ?? entityPage(input.entityRef),
    kind: input.kind,
    entityRef: input.entityRef,
    owner: input.owner,
    clusters: f.clusters ?? [],
    environments: f.environments ?? [],
    regions: f.regions ?? [],
    hostnames: f.hostnames ?? [],
    routes: f.routes ?? [],
    project: f.project ?? '',
    version: f.version ?? '',
    clusterClass: f.clusterClass ?? '',
    workloads: f.workloads ?? 0,
    labels: f.labels ?? [],
    apis: f.apis ?? [],
    status: f.status ?? '',
    authorization: { resourceRef: input.entityRef },
  };
  doc.text = [
    input.title,
    ...(input.words ?? []),
    ...doc.clusters,
    ...doc.environments,
    ...doc.regions,
    ...doc.hostnames,
    ...doc.routes,
    doc.project,
    doc.version,
    doc.clusterClass,
    ...doc.labels,
    ...doc.apis,
  ]
    .filter(Boolean)
    .join(' ');
  return doc;
}

/** `key=value` strings, sorted. */
export function labelList(
  labels: Readonly<Record<string, string>> | undefined,
): string[] {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}
