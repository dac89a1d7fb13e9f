import {
  AuthorizeResult,
  BasicPermission,
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Who may be granted a Groundcrew mutation by the default Groundcrew policy.
 *
 * - `owners`: owners of the catalog entity the mutation targets (and the platform group).
 * - `platform`: members of the platform group only.
 *
 * @public
 */
export type GroundcrewAudience = 'owners' | 'platform';

/**
 * The group whose members may perform every Groundcrew mutation.
 *
 * @public
 */
export const PLATFORM_GROUP_REF = 'group:default/platform';

/**
 * Register a cluster in the fleet at run time (a created GKE cluster, an adopted one).
 *
 * @public
 */
export const fleetClusterRegisterPermission = createPermission({
  name: 'groundcrew.fleet.cluster.register',
  attributes: { action: 'create' },
});

/**
 * Create a GCP project (and link billing, enable APIs, set IAM) from a template. Spends money, so
 * the action also checks who owns the target parent (`groundcrew.gcp.parents`).
 *
 * @public
 */
export const gcpProjectCreatePermission = createPermission({
  name: 'groundcrew.gcp.project.create',
  attributes: { action: 'create' },
});

/**
 * Create a GKE cluster in a project from a template (and register it in the fleet).
 *
 * @public
 */
export const gkeClusterCreatePermission = createPermission({
  name: 'groundcrew.gke.cluster.create',
  attributes: { action: 'create' },
});

/**
 * Turn up a Runway service from a template: a namespace, a registration token and a Flux
 * HelmRelease on a fleet cluster, or a Cloud Run service. The action also checks that the user is
 * in the service's owner group (or the platform group).
 *
 * @public
 */
export const runwayServiceCreatePermission = createPermission({
  name: 'groundcrew.runway.service.create',
  attributes: { action: 'create' },
});

/**
 * Change the ingress weights (stable / canary) of a catalog entity's routes. A resource permission
 * on the entity: its owners and the platform group.
 *
 * @public
 */
export const trafficUpdatePermission = createPermission({
  name: 'groundcrew.traffic.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Read the Vault secrets status of a catalog entity (metadata only, never values): a resource
 * permission checked with the entity's ref. Its action is `read`, so the default Groundcrew policy
 * allows it to every signed-in user, as it does every read; the audience `owners` is what a policy
 * that narrows reads should grant (the entity's owners and the platform group).
 *
 * @public
 */
export const secretsReadPermission = createPermission({
  name: 'groundcrew.secrets.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * See the deploy board of a catalog entity (its pods, deployments and clusters), like the
 * Kubernetes plugin's `kubernetes.resources.read`: a resource permission checked with the entity's
 * ref for the board and its live stream. Its action is `read`, so the default Groundcrew policy
 * allows it to every signed-in user; a policy that narrows who sees pods grants it to the audience
 * `owners` (the entity's owners and the platform group).
 *
 * @public
 */
export const deployBoardReadPermission = createPermission({
  name: 'groundcrew.deployBoard.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Review (approve or deny) a Teleport access request from the Access tab. The platform group's
 * members review; nobody reviews their own request (the backend and Teleport both refuse it).
 *
 * @public
 */
export const accessReviewPermission = createPermission({
  name: 'groundcrew.access.review',
  attributes: { action: 'update' },
});

/**
 * Every Groundcrew permission with the audience the default policy grants it to. A feature plugin
 * that adds a permission adds it here, so the policy, the frontend and the docs see one list.
 *
 * @public
 */
export const groundcrewPermissionRules: ReadonlyArray<{
  permission: BasicPermission | ResourcePermission;
  audience: GroundcrewAudience;
}> = [
  { permission: fleetClusterRegisterPermission, audience: 'platform' },
  { permission: gcpProjectCreatePermission, audience: 'owners' },
  { permission: gkeClusterCreatePermission, audience: 'owners' },
  { permission: runwayServiceCreatePermission, audience: 'owners' },
  { permission: deployBoardReadPermission, audience: 'owners' },
  { permission: secretsReadPermission, audience: 'owners' },
  { permission: trafficUpdatePermission, audience: 'owners' },
  { permission: accessReviewPermission, audience: 'platform' },
];

/**
 * All Groundcrew permissions, for the permission integration router.
 *
 * @public
 */
export const groundcrewPermissions = groundcrewPermissionRules.map(
  r => r.permission,
);

/**
 * Whether a permission decision is a definitive allow. For a backend that needs only yes or no, so
 * that it does not depend on the permission packages for one comparison.
 *
 * @public
 */
export function isAllowed(decision: { result: AuthorizeResult }): boolean {
  return decision.result === AuthorizeResult.ALLOW;
}
