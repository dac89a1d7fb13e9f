import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type {
  RequestState,
  TeleportFixture,
  TeleportRequestFixture,
  TeleportRoleFixture,
  WireAccessRequest,
  WireReview,
  WireThreshold,
  WireTimestamp,
} from './types';

/** An error with the gRPC status code a Teleport auth server answers with (trace → gRPC). */
export class TeleportError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
  }
}

const MS_PER_NS = 1_000_000;
/** Teleport's default for `allow.request.max_duration` when a role leaves it out. */
const DEFAULT_MAX_DURATION_MS = 60 * 60 * 1000;
const DEFAULT_THRESHOLD: WireThreshold = {
  Name: 'default',
  Approve: 1,
  Deny: 1,
};

interface Review {
  author: string;
  state: 'APPROVED' | 'DENIED';
  reason: string;
  created: number;
  thresholdIndexes: number[];
}

interface AccessRequest {
  id: string;
  user: string;
  roles: string[];
  state: Exclude<RequestState, 'NONE'>;
  created: number;
  /** When the access ends; the request resource expires then too. */
  accessExpiry: number;
  reason: string;
  resolveReason: string;
  thresholds: WireThreshold[];
  roleThresholdMapping: Record<string, number[][]>;
  reviews: Review[];
  suggestedReviewers: string[];
}

/** `*` globs, as Teleport matches role names in `request.roles` and `review_requests.roles`. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern.startsWith('^') && pattern.endsWith('$')) {
    return new RegExp(pattern).test(value);
  }
  const re = pattern
    .split('*')
    .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`).test(value);
}

export function toTimestamp(ms: number): WireTimestamp {
  return {
    seconds: String(Math.floor(ms / 1000)),
    nanos: (ms % 1000) * MS_PER_NS,
  };
}

export function fromTimestamp(t: WireTimestamp | null | undefined): number {
  if (!t) return 0;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / MS_PER_NS);
}

/**
 * The state of the Teleport imitation: roles, users and access requests, with
 * Teleport's rules — a request is PENDING until its reviews reach the
 * thresholds of the roles that allowed it, then APPROVED or DENIED; nobody
 * reviews their own request; a request goes away at its access expiry.
 */
export class TeleportStore {
  private roles = new Map<string, TeleportRoleFixture>();
  private users = new Map<string, string[]>();
  private requests = new Map<string, AccessRequest>();
  private offsetMs = 0;
  private fixture: TeleportFixture = {};
  clusterName = 'groundcrew-sandbox';

  constructor(private readonly realNow: () => number = Date.now) {}

  /** The imitation's clock (real time plus what the control API advanced it by). */
  now(): number {
    return this.realNow() + this.offsetMs;
  }

  advanceClock(ms: number): void {
    this.offsetMs += ms;
  }

  /** Makes `fixture` what `reset` returns to, and loads it. */
  setFixture(fixture: TeleportFixture): void {
    this.fixture = fixture;
    this.reset();
  }

  reset(): void {
    this.roles.clear();
    this.users.clear();
    this.requests.clear();
    this.offsetMs = 0;
    this.load(this.fixture);
  }

  /** Adds roles, users and requests to the current state. */
  load(fixture: TeleportFixture): void {
    if (fixture.clusterName) this.clusterName = fixture.clusterName;
    for (const role of fixture.roles ?? []) {
      if (!role?.name) throw new Error('every role needs a name');
      this.roles.set(role.name, role);
    }
    for (const user of fixture.users ?? []) {
      if (!user?.name) throw new Error('every user needs a name');
      this.users.set(user.name, [...(user.roles ?? [])]);
    }
    for (const r of fixture.requests ?? []) this.loadRequest(r);
  }

  private loadRequest(r: TeleportRequestFixture) {
    const created = this.now() - (r.createdAgoMs ?? 0);
    const request = this.create({
      user: r.user,
      roles: r.roles,
      reason: r.reason,
      accessExpiry: created + r.durationMs,
      created,
      id: r.id,
    });
    this.requests.set(request.id, request);
    for (const review of r.reviews ?? []) {
      this.review(request.id, {
        Author: review.author,
        ProposedState: review.state,
        Reason: review.reason ?? '',
      });
    }
  }

  roleNames(): string[] {
    return [...this.roles.keys()];
  }

  /** `GetRole`: the role as a `types.RoleV6`. */
  getRole(name: string): unknown {
    const role = this.roles.get(name);
    if (!role) {
      throw new TeleportError(status.NOT_FOUND, `role ${name} is not found`);
    }
    return {
      Kind: 'role',
      Version: 'v7',
      Metadata: { Name: role.name, Description: role.description ?? '' },
      Spec: {
        Options: {
          MaxSessionTTL: String((role.maxSessionTtlMs ?? 0) * MS_PER_NS),
          RequestAccess: role.requestAccess ?? 'optional',
        },
        Allow: {
          KubeGroups: role.kubeGroups ?? [],
          KubernetesResources: (role.kubernetesResources ?? []).map(k => ({
            Kind: k.kind,
            Namespace: k.namespace,
            Name: k.name,
            Verbs: k.verbs,
          })),
          Request: role.request
            ? {
                Roles: role.request.roles,
                MaxDuration: String(
                  (role.request.maxDurationMs ?? 0) * MS_PER_NS,
                ),
                Thresholds: (role.request.thresholds ?? []).map(t => ({
                  Name: t.name ?? '',
                  Approve: t.approve,
                  Deny: t.deny,
                })),
                SuggestedReviewers: role.request.suggestedReviewers ?? [],
              }
            : null,
          ReviewRequests: role.review ? { Roles: role.review.roles } : null,
        },
      },
    };
  }

  private userRoles(user: string): TeleportRoleFixture[] {
    const names = this.users.get(user);
    if (!names) {
      throw new TeleportError(status.NOT_FOUND, `user "${user}" is not found`);
    }
    return names
      .map(n => this.roles.get(n))
      .filter((r): r is TeleportRoleFixture => !!r);
  }

  /** Drops requests whose access expiry has passed, as Teleport's backend expires them. */
  private expire() {
    const now = this.now();
    for (const [id, r] of this.requests) {
      if (r.accessExpiry <= now) this.requests.delete(id);
    }
  }

  /** Checks a new request against the user's roles; returns what Teleport would store. */
  private create(input: {
    user: string;
    roles: string[];
    reason: string;
    accessExpiry?: number;
    created?: number;
    id?: string;
  }): AccessRequest {
    const { user } = input;
    if (!user) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        'missing parameter user',
      );
    }
    const held = this.userRoles(user);
    if (input.roles.length === 0) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        'access request must specify at least one role',
      );
    }
    const thresholds: WireThreshold[] = [];
    const roleThresholdMapping: Record<string, number[][]> = {};
    const suggested = new Set<string>();
    let maxDurationMs = 0;
    let reasonRequired = false;
    for (const name of input.roles) {
      if (!this.roles.has(name)) {
        throw new TeleportError(status.NOT_FOUND, `role ${name} is not found`);
      }
      const allowing = held.filter(r =>
        r.request?.roles.some(p => globMatch(p, name)),
      );
      if (allowing.length === 0) {
        throw new TeleportError(
          status.PERMISSION_DENIED,
          `user "${user}" can not request role "${name}"`,
        );
      }
      const indexes: number[] = [];
      for (const r of allowing) {
        reasonRequired ||= r.requestAccess === 'reason';
        maxDurationMs = Math.max(
          maxDurationMs,
          r.request?.maxDurationMs ?? DEFAULT_MAX_DURATION_MS,
        );
        r.request?.suggestedReviewers?.forEach(s => suggested.add(s));
        const own = r.request?.thresholds?.length
          ? r.request.thresholds.map(t => ({
              Name: t.name ?? '',
              Approve: t.approve,
              Deny: t.deny,
            }))
          : [DEFAULT_THRESHOLD];
        for (const t of own) {
          let i = thresholds.findIndex(
            x =>
              x.Name === t.Name && x.Approve === t.Approve && x.Deny === t.Deny,
          );
          if (i < 0) i = thresholds.push(t) - 1;
          indexes.push(i);
        }
      }
      roleThresholdMapping[name] = [indexes];
    }
    if (reasonRequired && !input.reason.trim()) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        'request reason must be specified (required by static role configuration)',
      );
    }
    const created = input.created ?? this.now();
    const limit = created + maxDurationMs;
    const accessExpiry = input.accessExpiry || limit;
    if (accessExpiry > limit) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        `requested access duration exceeds the maximum of ${Math.round(
          maxDurationMs / 60000,
        )}m allowed for roles ${input.roles.join(', ')}`,
      );
    }
    if (accessExpiry <= created) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        'the access expiry must be in the future',
      );
    }
    return {
      id: input.id ?? randomUUID(),
      user,
      roles: [...input.roles],
      state: 'PENDING',
      created,
      accessExpiry,
      reason: input.reason,
      resolveReason: '',
      thresholds,
      roleThresholdMapping,
      reviews: [],
      suggestedReviewers: [...suggested],
    };
  }

  /** `CreateAccessRequestV2`: stores the request (unless a dry run) and returns it. */
  createRequest(wire: WireAccessRequest): WireAccessRequest {
    const spec = wire.Spec ?? {};
    const maxDuration = fromTimestamp(spec.MaxDuration);
    const request = this.create({
      user: spec.User ?? '',
      roles: spec.Roles ?? [],
      reason: spec.RequestReason ?? '',
      accessExpiry: maxDuration || undefined,
    });
    if (!spec.DryRun) {
      this.requests.set(request.id, request);
    }
    return this.toWire(request);
  }

  /** `GetAccessRequestsV2`. */
  listRequests(filter: {
    ID?: string;
    User?: string;
    State?: RequestState;
    Scope?: string;
    Requester?: string;
  }): WireAccessRequest[] {
    this.expire();
    return [...this.requests.values()]
      .filter(r => !filter.ID || r.id === filter.ID)
      .filter(r => !filter.User || r.user === filter.User)
      .filter(
        r =>
          !filter.State || filter.State === 'NONE' || r.state === filter.State,
      )
      .filter(r => {
        const who = filter.Requester;
        switch (filter.Scope) {
          case 'MY_REQUESTS':
            return !!who && r.user === who;
          case 'NEEDS_REVIEW':
            return (
              !!who &&
              r.user !== who &&
              r.state === 'PENDING' &&
              !r.reviews.some(v => v.author === who) &&
              this.canReview(who, r)
            );
          case 'REVIEWED':
            return !!who && r.reviews.some(v => v.author === who);
          default:
            return true;
        }
      })
      .sort((a, b) => a.created - b.created)
      .map(r => this.toWire(r));
  }

  private canReview(author: string, r: AccessRequest): boolean {
    const names = this.users.get(author);
    if (!names) return false;
    const held = names
      .map(n => this.roles.get(n))
      .filter((x): x is TeleportRoleFixture => !!x);
    return r.roles.every(role =>
      held.some(h => h.review?.roles.some(p => globMatch(p, role))),
    );
  }

  private get(id: string): AccessRequest {
    this.expire();
    const r = id ? this.requests.get(id) : undefined;
    if (!r) {
      throw new TeleportError(
        status.NOT_FOUND,
        `access request "${id}" not found`,
      );
    }
    return r;
  }

  /** `SubmitAccessReview`: applies the review, moves the state when a threshold is reached. */
  review(id: string, review: WireReview): WireAccessRequest {
    const r = this.get(id);
    const author = review.Author ?? '';
    if (!author) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        'missing parameter review author',
      );
    }
    if (!this.users.has(author)) {
      throw new TeleportError(
        status.NOT_FOUND,
        `user "${author}" is not found`,
      );
    }
    if (author === r.user) {
      throw new TeleportError(
        status.PERMISSION_DENIED,
        `user "${author}" cannot submit a review of their own access request`,
      );
    }
    if (
      review.ProposedState !== 'APPROVED' &&
      review.ProposedState !== 'DENIED'
    ) {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        `invalid proposed state ${review.ProposedState}: must be APPROVED or DENIED`,
      );
    }
    if (!this.canReview(author, r)) {
      throw new TeleportError(
        status.PERMISSION_DENIED,
        `user "${author}" cannot review requests for roles ${r.roles.join(
          ', ',
        )}`,
      );
    }
    if (r.state !== 'PENDING') {
      throw new TeleportError(
        status.FAILED_PRECONDITION,
        `the access request has already been ${r.state}`,
      );
    }
    if (r.reviews.some(v => v.author === author)) {
      throw new TeleportError(
        status.ALREADY_EXISTS,
        `user "${author}" has already reviewed this request`,
      );
    }
    r.reviews.push({
      author,
      state: review.ProposedState,
      reason: review.Reason ?? '',
      created: this.now(),
      // Thresholds with a filter are not evaluated: every review counts towards each one.
      thresholdIndexes: r.thresholds.map((_, i) => i),
    });
    this.resolve(r, review.Reason ?? '');
    return this.toWire(r);
  }

  private resolve(r: AccessRequest, reason: string) {
    const count = (i: number, state: Review['state']) =>
      r.reviews.filter(v => v.state === state && v.thresholdIndexes.includes(i))
        .length;
    const denied = r.thresholds.some(
      (t, i) => (t.Deny ?? 0) > 0 && count(i, 'DENIED') >= (t.Deny ?? 0),
    );
    if (denied) {
      r.state = 'DENIED';
      r.resolveReason = reason;
      return;
    }
    const passes = (i: number) => {
      const t = r.thresholds[i];
      return (t.Approve ?? 0) > 0 && count(i, 'APPROVED') >= (t.Approve ?? 0);
    };
    const approved = r.roles.every(role =>
      (r.roleThresholdMapping[role] ?? []).every(set => set.some(passes)),
    );
    if (approved) {
      r.state = 'APPROVED';
      r.resolveReason = reason;
    }
  }

  /** `SetAccessRequestState`: an administrator (or plugin) resolves a request directly. */
  setState(setter: {
    ID?: string;
    State?: RequestState;
    Delegator?: string;
    Reason?: string;
  }): void {
    const r = this.get(setter.ID ?? '');
    if (setter.State !== 'APPROVED' && setter.State !== 'DENIED') {
      throw new TeleportError(
        status.INVALID_ARGUMENT,
        `cannot set request state to ${setter.State}`,
      );
    }
    if (r.state !== 'PENDING') {
      throw new TeleportError(
        status.FAILED_PRECONDITION,
        `the access request has already been ${r.state}`,
      );
    }
    if (setter.Delegator && setter.Delegator === r.user) {
      throw new TeleportError(
        status.PERMISSION_DENIED,
        `user "${setter.Delegator}" cannot resolve their own access request`,
      );
    }
    r.state = setter.State;
    r.resolveReason = setter.Reason ?? '';
  }

  private toWire(r: AccessRequest): WireAccessRequest {
    const expiry = toTimestamp(r.accessExpiry);
    return {
      Kind: 'access_request',
      Version: 'v3',
      Metadata: { Name: r.id, Expires: expiry },
      Spec: {
        User: r.user,
        Roles: r.roles,
        State: r.state,
        Created: toTimestamp(r.created),
        Expires: expiry,
        RequestReason: r.reason,
        ResolveReason: r.resolveReason,
        Thresholds: r.thresholds,
        RoleThresholdMapping: Object.fromEntries(
          Object.entries(r.roleThresholdMapping).map(([role, sets]) => [
            role,
            { Sets: sets.map(Indexes => ({ Indexes })) },
          ]),
        ),
        Reviews: r.reviews.map(v => ({
          Author: v.author,
          ProposedState: v.state,
          Reason: v.reason,
          Created: toTimestamp(v.created),
          ThresholdIndexes: v.thresholdIndexes,
        })),
        SuggestedReviewers: r.suggestedReviewers,
        MaxDuration: expiry,
        SessionTTL: expiry,
        ResourceExpiry: expiry,
      },
    };
  }

  /** A view for the control API. */
  snapshot() {
    this.expire();
    return {
      clusterName: this.clusterName,
      now: new Date(this.now()).toISOString(),
      roles: this.roleNames(),
      users: Object.fromEntries(this.users),
      requests: [...this.requests.values()].map(r => ({
        id: r.id,
        user: r.user,
        roles: r.roles,
        state: r.state,
        reason: r.reason,
        created: new Date(r.created).toISOString(),
        accessExpiry: new Date(r.accessExpiry).toISOString(),
        reviews: r.reviews.map(v => ({
          author: v.author,
          state: v.state,
          reason: v.reason,
        })),
      })),
    };
  }
}
