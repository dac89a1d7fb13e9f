import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntitySecretsStatus } from '@groundcrew/plugin-infra-common';
import { VaultSecretsApi } from './VaultSecretsApi';

/**
 * {@link VaultSecretsApi} over the vault-secrets backend's HTTP API.
 *
 * @public
 */
export class VaultSecretsClient implements VaultSecretsApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getStatus(ref: CompoundEntityRef): Promise<EntitySecretsStatus> {
    const base = await this.options.discoveryApi.getBaseUrl('vault-secrets');
    const path = [ref.namespace, ref.kind, ref.name]
      .map(encodeURIComponent)
      .join('/');
    const response = await this.options.fetchApi.fetch(
      `${base}/secrets/${path}`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as EntitySecretsStatus;
  }
}
