/**
 * A state of an access request (Teleport's `types.RequestState`).
 *
 * @public
 */
export type TeleportRequestState =
  | 'NONE'
  | 'PENDING'
  | 'APPROVED'
  | 'DENIED'
  | 'PROMOTED';

/**
 * A review applied to an access request.
 *
 * @public
 */
export interface TeleportAccessReview {
  author: string;
  state: TeleportRequestState;
  reason: string;
  created?: Date;
}

/**
 * An access request (`types.AccessRequestV3`), with times as dates.
 *
 * @public
 */
export interface TeleportAccessRequest {
  id: string;
  user: string;
  roles: string[];
  state: TeleportRequestState;
  created?: Date;
  /** When the access ends (`spec.expires`, else `spec.max_duration` — both timestamps). */
  accessExpiry?: Date;
  reason: string;
  resolveReason: string;
  reviews: TeleportAccessReview[];
  thresholds: Array<{ name: string; approve: number; deny: number }>;
  suggestedReviewers: string[];
}

/**
 * The parts of a role (`types.RoleV6`) Groundcrew reads.
 *
 * @public
 */
export interface TeleportRole {
  name: string;
  description: string;
  /** `options.max_session_ttl` (0 when unset). */
  maxSessionTtlMs: number;
  /** `options.request_access` (`reason`: requests need a reason). */
  requestAccess: string;
  /** `allow.request`: roles a holder may request, for how long at most (0: Teleport's default). */
  request?: {
    roles: string[];
    maxDurationMs: number;
    thresholds: Array<{ name: string; approve: number; deny: number }>;
    suggestedReviewers: string[];
  };
  /** `allow.review_requests.roles`. */
  reviewRoles: string[];
}

/**
 * Why a Teleport call failed, as the portal tells a user.
 *
 * @public
 */
export type TeleportErrorReason =
  | 'not-configured'
  | 'unreachable'
  | 'certificate-rejected'
  | 'permission-denied'
  | 'not-found'
  | 'invalid-argument'
  | 'already-exists'
  | 'failed-precondition'
  | 'timeout'
  | 'internal';

/**
 * A failed Teleport call: the reason, the gRPC code and the server's message.
 *
 * @public
 */
export class TeleportError extends Error {
  readonly name = 'TeleportError';
  constructor(
    readonly reason: TeleportErrorReason,
    message: string,
    readonly grpcCode?: number,
  ) {
    super(message);
  }
}

/**
 * Teleport's auth server, through Teleport's own gRPC API.
 *
 * @public
 */
export interface TeleportService {
  /** False when `groundcrew.teleport` is absent: every call then fails with `not-configured`. */
  readonly configured: boolean;
  /** The address dialled, for messages. */
  readonly address: string | undefined;
  ping(): Promise<{ clusterName: string; serverVersion: string }>;
  getRole(name: string): Promise<TeleportRole>;
  listAccessRequests(filter?: {
    id?: string;
    user?: string;
    state?: TeleportRequestState;
  }): Promise<TeleportAccessRequest[]>;
  createAccessRequest(request: {
    user: string;
    roles: string[];
    reason: string;
    /** When the access should end (sent as `spec.max_duration`, a timestamp). */
    accessExpiry: Date;
    dryRun?: boolean;
  }): Promise<TeleportAccessRequest>;
  submitAccessReview(review: {
    requestId: string;
    author: string;
    state: 'APPROVED' | 'DENIED';
    reason: string;
  }): Promise<TeleportAccessRequest>;
  setAccessRequestState(setter: {
    id: string;
    state: 'APPROVED' | 'DENIED';
    delegator?: string;
    reason?: string;
  }): Promise<void>;
  close(): void;
}
