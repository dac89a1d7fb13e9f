import type * as AssetModule from '@google-cloud/asset';
import type * as BillingModule from '@google-cloud/billing';
import type * as ContainerModule from '@google-cloud/container';
import type * as ResourceManagerModule from '@google-cloud/resource-manager';
import type * as RunModule from '@google-cloud/run';
import type * as ServiceUsageModule from '@google-cloud/service-usage';

/**
 * Where each Google client class is loaded from: its own module, not the package's entry point.
 * A package's entry point also loads its generated message classes (`protos/protos.js`: 12 MB of
 * source for @google-cloud/container, 28 MB for the six packages), which a client in REST mode
 * never uses: it reads the package's `protos.json`. In one process, loading the nine clients from
 * these modules instead took 54 MB less RSS and 33 MB less V8 heap.
 *
 * The paths are the packages' build layout (`build/src/<version>/<client>_client.js`), the same in
 * every release of these majors; `lazyClients.test.ts` loads each of them.
 */
export const GOOGLE_CLIENT_MODULES = {
  ProjectsClient: '@google-cloud/resource-manager/build/src/v3/projects_client',
  FoldersClient: '@google-cloud/resource-manager/build/src/v3/folders_client',
  OrganizationsClient:
    '@google-cloud/resource-manager/build/src/v3/organizations_client',
  CloudBillingClient: '@google-cloud/billing/build/src/v1/cloud_billing_client',
  ServiceUsageClient:
    '@google-cloud/service-usage/build/src/v1/service_usage_client',
  ClusterManagerClient:
    '@google-cloud/container/build/src/v1/cluster_manager_client',
  ServicesClient: '@google-cloud/run/build/src/v2/services_client',
  RevisionsClient: '@google-cloud/run/build/src/v2/revisions_client',
  AssetServiceClient: '@google-cloud/asset/build/src/v1/asset_service_client',
} as const;

/** The client classes, by name. */
export interface GoogleClientClasses {
  ProjectsClient: typeof ResourceManagerModule.ProjectsClient;
  FoldersClient: typeof ResourceManagerModule.FoldersClient;
  OrganizationsClient: typeof ResourceManagerModule.OrganizationsClient;
  CloudBillingClient: typeof BillingModule.CloudBillingClient;
  ServiceUsageClient: typeof ServiceUsageModule.ServiceUsageClient;
  ClusterManagerClient: typeof ContainerModule.ClusterManagerClient;
  ServicesClient: typeof RunModule.ServicesClient;
  RevisionsClient: typeof RunModule.RevisionsClient;
  AssetServiceClient: typeof AssetModule.AssetServiceClient;
}

export type GoogleClientName = keyof GoogleClientClasses;

/** Loads one client class (and, on the first call, google-gax) when it is first needed. */
export function googleClientClass<N extends GoogleClientName>(
  name: N,
): GoogleClientClasses[N] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(GOOGLE_CLIENT_MODULES[name]) as Pick<
    GoogleClientClasses,
    N
  >;
  return module[name];
}
