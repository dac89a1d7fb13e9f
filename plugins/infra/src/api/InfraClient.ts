import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterOverview,
  GcpProject,
  GcpProjectIdAvailability,
  GcpProjectOverview,
} from '@groundcrew/plugin-infra-common';
import {
  FleetCluster,
  GcpBillingAccount,
  GcpRegion,
  GkeClusterSummary,
  InfraApi,
  InfraRequestOptions,
} from './InfraApi';

/**
 * Options for {@link InfraClient}.
 *
 * @public
 */
export interface InfraClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}

/**
 * {@link InfraApi} over the infra backend's HTTP API.
 *
 * @public
 */
export class InfraClient implements InfraApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: InfraClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async checkProjectId(
    projectId: string,
    options?: InfraRequestOptions,
  ): Promise<GcpProjectIdAvailability> {
    return this.get<GcpProjectIdAvailability>(
      `/gcp/projects/${encodeURIComponent(projectId)}/availability`,
      {},
      options,
    );
  }

  async listProjects(
    options?: InfraRequestOptions & {
      query?: string;
      limit?: number;
      includeInactive?: boolean;
    },
  ): Promise<GcpProject[]> {
    const { items } = await this.get<{ items: GcpProject[] }>(
      '/gcp/projects',
      {
        query: options?.query?.trim() || undefined,
        limit: options?.limit?.toString(),
        includeInactive: options?.includeInactive ? 'true' : undefined,
      },
      options,
    );
    return items;
  }

  async listRegions(options?: InfraRequestOptions): Promise<GcpRegion[]> {
    const { items } = await this.get<{ items: GcpRegion[] }>(
      '/gcp/regions',
      {},
      options,
    );
    return items;
  }

  async listClusters(
    options: InfraRequestOptions & { projectId: string; location?: string },
  ): Promise<GkeClusterSummary[]> {
    const { items } = await this.get<{ items: GkeClusterSummary[] }>(
      `/gcp/projects/${encodeURIComponent(options.projectId)}/clusters`,
      { location: options.location },
      options,
    );
    return items;
  }

  async listFleetClusters(
    options?: InfraRequestOptions,
  ): Promise<FleetCluster[]> {
    const { items } = await this.get<{ items: FleetCluster[] }>(
      '/fleet/clusters',
      {},
      options,
    );
    return items;
  }

  async listBillingAccounts(
    options?: InfraRequestOptions,
  ): Promise<GcpBillingAccount[]> {
    const { items } = await this.get<{ items: GcpBillingAccount[] }>(
      '/gcp/billing-accounts',
      {},
      options,
    );
    return items;
  }

  async getClusterOverview(
    options: InfraRequestOptions & {
      name: string;
      projectId?: string;
      location?: string;
    },
  ): Promise<ClusterOverview> {
    return this.get<ClusterOverview>(
      `/clusters/${encodeURIComponent(options.name)}/overview`,
      { project: options.projectId, location: options.location },
      options,
    );
  }

  async getProjectOverview(
    options: InfraRequestOptions & { projectId: string },
  ): Promise<GcpProjectOverview> {
    return this.get<GcpProjectOverview>(
      `/gcp/projects/${encodeURIComponent(options.projectId)}/overview`,
      {},
      options,
    );
  }

  private async get<T>(
    path: string,
    params: Record<string, string | undefined>,
    options?: InfraRequestOptions,
  ): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) search.set(key, value);
    }
    const query = search.toString();
    const baseUrl = await this.discoveryApi.getBaseUrl('infra');
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${query ? `?${query}` : ''}`,
      { signal: options?.signal },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
