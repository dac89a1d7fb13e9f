import {
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
];

/**
 * All Groundcrew permissions, for the permission integration router.
 *
 * @public
 */
export const groundcrewPermissions = groundcrewPermissionRules.map(
  r => r.permission,
);
