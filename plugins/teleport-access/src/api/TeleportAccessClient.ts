import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AccessRequestView,
  AccessReviewBody,
  CreateAccessRequestBody,
  EntityAccessView,
} from '@groundcrew/plugin-infra-common';
import { TeleportAccessApi } from './TeleportAccessApi';

/**
 * {@link TeleportAccessApi} over the teleport-access backend's HTTP API.
 *
 * @public
 */
export class TeleportAccessClient implements TeleportAccessApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('teleport-access');
    const response = await this.options.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  getAccess(ref: CompoundEntityRef): Promise<EntityAccessView> {
    const path = [ref.namespace, ref.kind, ref.name]
      .map(encodeURIComponent)
      .join('/');
    return this.call(`/access/${path}`);
  }

  createRequest(body: CreateAccessRequestBody): Promise<AccessRequestView> {
    return this.call('/requests', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  review(id: string, body: AccessReviewBody): Promise<AccessRequestView> {
    return this.call(`/requests/${encodeURIComponent(id)}/reviews`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
