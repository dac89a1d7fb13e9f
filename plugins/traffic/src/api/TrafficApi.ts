import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  TrafficChangeRecord,
  TrafficChangeRequest,
  TrafficChangeResult,
  TrafficView,
} from '@groundcrew/plugin-infra-common';

/** @public */
export interface StreamTrafficOptions {
  /** Every view the server sends; each replaces the previous one. */
  onView: (view: TrafficView) => void;
  /** The connection failed or ended; the client reconnects after `retryInMs`. */
  onError?: (error: Error, retry: { retryInMs?: number }) => void;
  signal: AbortSignal;
}

/**
 * The traffic backend's API.
 *
 * @public
 */
export interface TrafficApi {
  getView(entityRef: CompoundEntityRef | string): Promise<TrafficView>;
  /** Follows the view's server-sent-events stream until `signal` aborts, reconnecting. */
  streamView(
    entityRef: CompoundEntityRef | string,
    options: StreamTrafficOptions,
  ): Promise<void>;
  getHistory(
    entityRef: CompoundEntityRef | string,
  ): Promise<TrafficChangeRecord[]>;
  /** Throws a ResponseError (409 conflict, 403, 400 …) with the server's message. */
  change(
    entityRef: CompoundEntityRef | string,
    request: TrafficChangeRequest,
  ): Promise<TrafficChangeResult>;
}

/** @public */
export const trafficApiRef = createApiRef<TrafficApi>({
  id: 'plugin.traffic.service',
});
