/**
 * The search index type of Groundcrew's infrastructure documents (services, clusters, GCP projects
 * and Vault paths), written by `@groundcrew/plugin-search-backend-module-infra` and shown by
 * `InfraSearchResultListItem` of `@groundcrew/plugin-infra`.
 *
 * @public
 */
export const INFRA_SEARCH_TYPE = 'groundcrew-infra';

/**
 * What an infrastructure document is about; the search page filters on the `kind` field.
 *
 * @public
 */
export const INFRA_SEARCH_KINDS = [
  'service',
  'cluster',
  'project',
  'vault',
] as const;

/** @public */
export type InfraSearchKind = (typeof INFRA_SEARCH_KINDS)[number];

/**
 * One infrastructure document. Every document carries every field (empty where a kind has no such
 * fact), because the Lunr engine takes its field list from the first document it indexes.
 * `authorization.resourceRef` is the entity the document is about: the search backend shows it only
 * to people who may read that entity.
 *
 * @public
 */
export interface InfraSearchDocument {
  /** The entity's title (service, cluster, project id) or the Vault path. */
  title: string;
  /** Everything searchable, as words. */
  text: string;
  /** The entity page (unique per document: the Lunr engine keys documents by it). */
  location: string;
  kind: InfraSearchKind;
  /** `component:default/ai-gateway`, `resource:default/gke-prod-us-east1`, … */
  entityRef: string;
  /** The owning group's entity ref. */
  owner: string;
  /** Clusters a service runs on; the cluster itself; a project's GKE clusters. */
  clusters: string[];
  environments: string[];
  regions: string[];
  /** A service's hostnames (from its routes, and its Cloud Run URL's host). */
  hostnames: string[];
  /** A service's routes: `HTTPRoute ai-gateway/ai-gateway`. */
  routes: string[];
  /** The GCP project (of a project, a GKE cluster, a Cloud Run service). */
  project: string;
  /** A cluster's Kubernetes version. */
  version: string;
  /** A cluster's fleet class: cattle, pet or snowflake. */
  clusterClass: string;
  /** Runway services on a cluster; Deployments of a service. */
  workloads: number;
  /** `key=value` labels of a project or cluster. */
  labels: string[];
  /** A project's enabled APIs. */
  apis: string[];
  /** A cluster's state in the watch cache, a project's lifecycle state. */
  status: string;
  authorization: { resourceRef: string };
}
