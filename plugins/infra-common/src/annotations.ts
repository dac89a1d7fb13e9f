/**
 * Annotations Groundcrew reads from catalog entities.
 *
 * The Kubernetes plugin's own annotations are honoured too, so entities that are already set up for
 * `@backstage/plugin-kubernetes` work unchanged.
 *
 * @public
 */
export const GROUNDCREW_ANNOTATIONS = {
  /** The Runway service name; workloads carry the label `runway.gitlab.com/service=<name>`. */
  runwayService: 'groundcrew.io/runway-service',
  /** The GCP project id that hosts the entity's infrastructure. */
  gcpProject: 'groundcrew.io/gcp-project',
  /** Comma-separated cluster names to restrict lookups to (default: every cluster). */
  clusters: 'groundcrew.io/clusters',
  /**
   * Vault KV v2 paths (`mount/folder`, comma-separated) whose metadata the Secrets tab shows;
   * folders are listed recursively.
   */
  vaultPath: 'groundcrew.io/vault-path',
  /** Comma-separated lease prefixes of the entity's dynamic secrets (`database/creds/<role>`). */
  vaultLeasePrefix: 'groundcrew.io/vault-lease-prefix',
  /**
   * Teleport roles that grant write access on request, comma-separated (default: `<namespace>-write`
   * for each of the entity's namespaces).
   */
  teleportRole: 'groundcrew.io/teleport-role',
  /** On a User entity: the Teleport username (default: derived from the e-mail address). */
  teleportUser: 'groundcrew.io/teleport-user',
} as const;

/**
 * Annotations of the community Vault plugin (`@backstage-community/plugin-vault`), honoured for
 * compatibility: a path relative to a KV v2 engine (`vault.io/secrets-engine`, else the default).
 *
 * @public
 */
export const VAULT_COMMUNITY_ANNOTATIONS = {
  secretsPath: 'vault.io/secrets-path',
  secretsEngine: 'vault.io/secrets-engine',
} as const;

/**
 * Annotations of `@backstage/plugin-kubernetes`, read as fall-backs.
 *
 * @public
 */
export const KUBERNETES_ANNOTATIONS = {
  id: 'backstage.io/kubernetes-id',
  labelSelector: 'backstage.io/kubernetes-label-selector',
  namespace: 'backstage.io/kubernetes-namespace',
} as const;

/**
 * Labels Runway puts on the workloads it deploys.
 *
 * @public
 */
export const RUNWAY_LABELS = {
  service: 'runway.gitlab.com/service',
  stage: 'runway.gitlab.com/stage',
  track: 'track',
} as const;

/**
 * Labels on clusters (in config, or set when a cluster is registered) that place it in an
 * environment and a region.
 *
 * @public
 */
export const CLUSTER_LABELS = {
  environment: 'environment',
  region: 'region',
} as const;

/**
 * Labels Groundcrew puts on the Kubernetes objects it turns up (namespace, HelmRelease, …): the
 * owner group's name, and optionally the catalog system. The catalog provider reads them back.
 *
 * @public
 */
export const GROUNDCREW_LABELS = {
  owner: 'groundcrew.io/owner',
  system: 'groundcrew.io/system',
} as const;

/**
 * Labels `runway:service:create` puts on a Cloud Run service (GCP's label alphabet: no `/` or `.`).
 * The catalog provider reads them back.
 *
 * @public
 */
export const RUNWAY_CLOUD_RUN_LABELS = {
  service: 'runway-service',
  stage: 'runway-stage',
  release: 'runway-release',
  owner: 'groundcrew-owner',
  system: 'groundcrew-system',
  managedBy: 'managed-by',
} as const;
