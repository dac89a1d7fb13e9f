/**
 * Shapes of the Teleport imitation: the fixture (a compact way to write roles,
 * users and requests) and the wire objects, as @grpc/proto-loader hands them
 * over with `keepCase` (Teleport's own PascalCase field names).
 */

export type RequestState = 'NONE' | 'PENDING' | 'APPROVED' | 'DENIED';

/** google.protobuf.Timestamp as proto-loader reads it (`longs: String`). */
export interface WireTimestamp {
  seconds: string | number;
  nanos?: number;
}

export interface WireThreshold {
  Name?: string;
  Filter?: string;
  Approve?: number;
  Deny?: number;
}

export interface WireReview {
  Author?: string;
  Roles?: string[];
  ProposedState?: RequestState;
  Reason?: string;
  Created?: WireTimestamp | null;
  ThresholdIndexes?: number[];
}

export interface WireAccessRequest {
  Kind?: string;
  Version?: string;
  Metadata?: {
    Name?: string;
    Expires?: WireTimestamp | null;
  } | null;
  Spec?: {
    User?: string;
    Roles?: string[];
    State?: RequestState;
    Created?: WireTimestamp | null;
    Expires?: WireTimestamp | null;
    RequestReason?: string;
    ResolveReason?: string;
    Thresholds?: WireThreshold[];
    RoleThresholdMapping?: Record<
      string,
      { Sets?: Array<{ Indexes?: number[] }> }
    >;
    Reviews?: WireReview[];
    SuggestedReviewers?: string[];
    DryRun?: boolean;
    MaxDuration?: WireTimestamp | null;
    SessionTTL?: WireTimestamp | null;
    ResourceExpiry?: WireTimestamp | null;
  } | null;
}

/** A role, written compactly; served as a `types.RoleV6`. */
export interface TeleportRoleFixture {
  name: string;
  description?: string;
  /** `options.max_session_ttl`. */
  maxSessionTtlMs?: number;
  /** `options.request_access` (`reason` makes a request reason mandatory). */
  requestAccess?: 'optional' | 'reason' | 'always';
  /** `allow.kubernetes_groups`. */
  kubeGroups?: string[];
  /** `allow.kubernetes_resources`. */
  kubernetesResources?: Array<{
    kind: string;
    namespace: string;
    name: string;
    verbs: string[];
  }>;
  /** `allow.request`: the roles a holder may request (globs), for how long at most, and who must approve. */
  request?: {
    roles: string[];
    maxDurationMs?: number;
    thresholds?: Array<{ name?: string; approve: number; deny: number }>;
    suggestedReviewers?: string[];
  };
  /** `allow.review_requests`: the roles (globs) a holder may review requests for. */
  review?: { roles: string[] };
}

export interface TeleportUserFixture {
  name: string;
  roles: string[];
}

/** A request in a fixture: created `createdAgoMs` ago, with reviews applied in order. */
export interface TeleportRequestFixture {
  id?: string;
  user: string;
  roles: string[];
  reason: string;
  durationMs: number;
  createdAgoMs?: number;
  reviews?: Array<{
    author: string;
    state: 'APPROVED' | 'DENIED';
    reason?: string;
  }>;
}

export interface TeleportFixture {
  clusterName?: string;
  roles?: TeleportRoleFixture[];
  users?: TeleportUserFixture[];
  requests?: TeleportRequestFixture[];
}
