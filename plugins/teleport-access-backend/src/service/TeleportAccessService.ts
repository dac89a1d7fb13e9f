import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  accessReviewPermission,
  AccessRequestView,
  AccessReviewBody,
  CreateAccessRequestBody,
  EntityAccessView,
  EntityRolePair,
  entityRolePairs,
  GROUNDCREW_ANNOTATIONS,
  NamespaceAccess,
  TeleportStatus,
} from '@groundcrew/plugin-infra-common';
import {
  TeleportAccessRequest,
  TeleportError,
  TeleportRole,
  TeleportService,
} from '@groundcrew/plugin-infra-node';
import type { TeleportAccessConfig } from '../config';

import { teleportUserOf } from './userMapping';

const MAX_REASON = 1000;

function view(r: TeleportAccessRequest): AccessRequestView {
  return {
    id: r.id,
    user: r.user,
    roles: r.roles,
    state: r.state,
    reason: r.reason,
    resolveReason: r.resolveReason,
    created: r.created?.toISOString(),
    accessExpiry: r.accessExpiry?.toISOString(),
    reviews: r.reviews.map(v => ({
      author: v.author,
      state: v.state,
      reason: v.reason,
      created: v.created?.toISOString(),
    })),
  };
}

/** A Teleport failure as the error the portal answers with (never a 500 for Teleport's state). */
export function toBackstageError(e: unknown): Error {
  if (!(e instanceof TeleportError)) return e as Error;
  switch (e.reason) {
    case 'not-configured':
      return new ServiceUnavailableError(e.message);
    case 'unreachable':
    case 'timeout':
      return new ServiceUnavailableError(
        `Teleport is unreachable: ${e.message}`,
      );
    case 'certificate-rejected':
      return new ServiceUnavailableError(
        `Teleport did not accept the portal's certificate: ${e.message}`,
      );
    case 'permission-denied':
      return new NotAllowedError(`Teleport refused: ${e.message}`);
    case 'not-found':
      return new NotFoundError(`Teleport: ${e.message}`);
    case 'invalid-argument':
      return new InputError(`Teleport: ${e.message}`);
    case 'already-exists':
    case 'failed-precondition':
      return new ConflictError(`Teleport: ${e.message}`);
    default:
      return new ServiceUnavailableError(`Teleport failed: ${e.message}`);
  }
}

function statusOf(e: unknown): TeleportStatus | undefined {
  if (!(e instanceof TeleportError)) return undefined;
  if (e.reason === 'not-configured') return 'not-configured';
  if (e.reason === 'certificate-rejected') return 'certificate-rejected';
  if (e.reason === 'unreachable' || e.reason === 'timeout')
    return 'unreachable';
  return undefined;
}

/** The parts of a role pair read from Teleport. */
interface PairRoles {
  pair: EntityRolePair;
  read?: TeleportRole;
  write?: TeleportRole;
}

/**
 * The Access tab: an entity's Teleport role pairs, what the signed-in user may do now, requests
 * for those roles; creating a request and reviewing one (permission `groundcrew.access.review`,
 * never one's own), each with one audit event.
 */
export class TeleportAccessService {
  static create(options: {
    teleport: TeleportService;
    catalog: CatalogService;
    permissions: PermissionsService;
    auditor: AuditorService;
    logger: LoggerService;
    config: TeleportAccessConfig;
    now?: () => number;
  }): TeleportAccessService {
    return new TeleportAccessService(options);
  }

  private constructor(
    private readonly options: {
      teleport: TeleportService;
      catalog: CatalogService;
      permissions: PermissionsService;
      auditor: AuditorService;
      logger: LoggerService;
      config: TeleportAccessConfig;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async entity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref: string;
    try {
      ref = stringifyEntityRef(parseEntityRef(entityRef));
    } catch {
      throw new InputError(
        `entityRef: "${entityRef}" is not an entity reference`,
      );
    }
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`entity ${ref} not found`);
    return entity;
  }

  /** The signed-in user, their User entity and the Teleport user it maps to. */
  private async me(credentials: BackstageCredentials) {
    const principal = credentials.principal as { userEntityRef?: string };
    const entityRef = principal.userEntityRef;
    if (!entityRef) {
      throw new NotAllowedError(
        'only a signed-in user can use Teleport access',
      );
    }
    const user = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    return {
      entityRef,
      teleport: teleportUserOf(user, this.options.config.users),
    };
  }

  private async canReview(credentials: BackstageCredentials): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: accessReviewPermission }],
      { credentials },
    );
    return decision.result === 'ALLOW';
  }

  private async pairRoles(pairs: EntityRolePair[]): Promise<PairRoles[]> {
    const get = async (name: string) => {
      try {
        return await this.options.teleport.getRole(name);
      } catch (e) {
        if (e instanceof TeleportError && e.reason === 'not-found') {
          return undefined;
        }
        throw e;
      }
    };
    return Promise.all(
      pairs.map(async pair => ({
        pair,
        read: await get(pair.readRole),
        write: await get(pair.writeRole),
      })),
    );
  }

  private requestable(p: PairRoles): boolean {
    return (
      !!p.write &&
      !!p.read?.request?.roles.some(pattern =>
        globMatch(pattern, p.pair.writeRole),
      )
    );
  }

  async getAccess(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityAccessView> {
    const entity = await this.entity(entityRef, credentials);
    const pairs = entityRolePairs(entity);
    const me = await this.me(credentials);
    const canReview = await this.canReview(credentials);
    const base: EntityAccessView = {
      teleport: { status: 'ok' },
      user: {
        entityRef: me.entityRef,
        teleportUser: me.teleport?.name,
        mappedBy: me.teleport?.mappedBy,
      },
      canReview,
      namespaces: pairs.map(pair => ({
        ...pair,
        requestable: false,
        reasonRequired: false,
        access: 'read' as const,
      })),
      myRequests: [],
      toReview: [],
    };
    let roles: PairRoles[];
    let requests: TeleportAccessRequest[];
    let clusterName: string;
    try {
      clusterName = (await this.options.teleport.ping()).clusterName;
      [roles, requests] = await Promise.all([
        this.pairRoles(pairs),
        this.options.teleport.listAccessRequests(),
      ]);
    } catch (e) {
      const status = statusOf(e);
      if (!status) throw toBackstageError(e);
      return { ...base, teleport: { status, message: (e as Error).message } };
    }
    const writeRoles = new Set(pairs.map(p => p.writeRole));
    const ours = requests.filter(r =>
      r.roles.some(role => writeRoles.has(role)),
    );
    const mine = me.teleport
      ? ours.filter(r => r.user === me.teleport!.name)
      : [];
    const now = this.now();
    const namespaces: NamespaceAccess[] = roles.map(p => {
      const running = mine
        .filter(
          r =>
            r.state === 'APPROVED' &&
            r.roles.includes(p.pair.writeRole) &&
            (r.accessExpiry?.getTime() ?? 0) > now,
        )
        .map(r => r.accessExpiry!.getTime())
        .sort((a, b) => b - a)[0];
      const maxMs = p.read?.request?.maxDurationMs;
      return {
        ...p.pair,
        requestable: this.requestable(p),
        maxDurationMinutes: maxMs ? Math.floor(maxMs / 60_000) : undefined,
        reasonRequired: p.read?.requestAccess === 'reason',
        access: running ? 'write' : 'read',
        writeUntil: running ? new Date(running).toISOString() : undefined,
      };
    });
    const toReview =
      canReview && me.teleport
        ? ours.filter(
            r =>
              r.state === 'PENDING' &&
              r.user !== me.teleport!.name &&
              !r.reviews.some(v => v.author === me.teleport!.name),
          )
        : [];
    return {
      ...base,
      teleport: { status: 'ok', clusterName },
      namespaces,
      myRequests: mine.map(view),
      toReview: toReview.map(view),
    };
  }

  async createRequest(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<AccessRequestView> {
    const input = parseCreateBody(body);
    const entity = await this.entity(input.entityRef, credentials);
    const me = await this.me(credentials);
    if (!me.teleport) {
      throw new NotAllowedError(
        `${me.entityRef} has no Teleport user (no ${GROUNDCREW_ANNOTATIONS.teleportUser} annotation and no usable e-mail address)`,
      );
    }
    const pairs = entityRolePairs(entity);
    const byWrite = new Map(pairs.map(p => [p.writeRole, p]));
    for (const role of input.roles) {
      if (!byWrite.has(role)) {
        throw new InputError(
          `roles: "${role}" is not a write role of ${stringifyEntityRef(
            entity,
          )} (its roles: ${[...byWrite.keys()].join(', ') || 'none'})`,
        );
      }
    }
    let roles: PairRoles[];
    let existing: TeleportAccessRequest[];
    try {
      roles = await this.pairRoles(input.roles.map(r => byWrite.get(r)!));
      existing = await this.options.teleport.listAccessRequests({
        user: me.teleport.name,
        state: 'PENDING',
      });
    } catch (e) {
      throw toBackstageError(e);
    }
    for (const p of roles) {
      if (!p.write) {
        throw new InputError(
          `roles: Teleport has no role "${p.pair.writeRole}"`,
        );
      }
      if (!this.requestable(p)) {
        throw new InputError(
          `roles: "${p.pair.writeRole}" cannot be requested with ${p.pair.readRole}`,
        );
      }
      const maxMs = p.read?.request?.maxDurationMs ?? 0;
      if (maxMs && input.durationMinutes * 60_000 > maxMs) {
        throw new InputError(
          `durationMinutes: at most ${Math.floor(maxMs / 60_000)} for ${
            p.pair.writeRole
          }`,
        );
      }
    }
    const pending = existing.find(r =>
      input.roles.some(role => r.roles.includes(role)),
    );
    if (pending) {
      throw new ConflictError(
        `you already have a pending request (${
          pending.id
        }) for ${pending.roles.join(', ')}`,
      );
    }
    const accessExpiry = new Date(this.now() + input.durationMinutes * 60_000);
    const audit = await this.options.auditor.createEvent({
      eventId: 'teleport-access-request-create',
      severityLevel: 'medium',
      meta: {
        actor: me.entityRef,
        teleportUser: me.teleport.name,
        target: stringifyEntityRef(entity),
        roles: input.roles,
        reason: input.reason,
        durationMinutes: input.durationMinutes,
      },
    });
    try {
      const created = await this.options.teleport.createAccessRequest({
        user: me.teleport.name,
        roles: input.roles,
        reason: input.reason,
        accessExpiry,
      });
      await audit.success({
        meta: { requestId: created.id, state: created.state },
      });
      return view(created);
    } catch (e) {
      const error = toBackstageError(e);
      await audit.fail({ error });
      throw error;
    }
  }

  async review(
    requestId: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<AccessRequestView> {
    const input = parseReviewBody(body);
    if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) {
      throw new InputError(`id: "${requestId}" is not an access request id`);
    }
    if (!(await this.canReview(credentials))) {
      throw new NotAllowedError(
        `reviewing access requests needs the ${accessReviewPermission.name} permission`,
      );
    }
    const me = await this.me(credentials);
    if (!me.teleport) {
      throw new NotAllowedError(`${me.entityRef} has no Teleport user`);
    }
    let request: TeleportAccessRequest | undefined;
    try {
      [request] = await this.options.teleport.listAccessRequests({
        id: requestId,
      });
    } catch (e) {
      throw toBackstageError(e);
    }
    if (!request) {
      throw new NotFoundError(
        `access request ${requestId} not found (or expired)`,
      );
    }
    if (request.user === me.teleport.name) {
      throw new NotAllowedError('you cannot review your own access request');
    }
    if (request.state !== 'PENDING') {
      throw new ConflictError(`the access request is already ${request.state}`);
    }
    if (request.reviews.some(v => v.author === me.teleport!.name)) {
      throw new ConflictError('you have already reviewed this access request');
    }
    const audit = await this.options.auditor.createEvent({
      eventId: 'teleport-access-review',
      severityLevel: 'medium',
      meta: {
        actor: me.entityRef,
        teleportUser: me.teleport.name,
        target: requestId,
        requester: request.user,
        roles: request.roles,
        before: request.state,
        review: input.state,
        reason: input.reason,
      },
    });
    try {
      const after = await this.options.teleport.submitAccessReview({
        requestId,
        author: me.teleport.name,
        state: input.state,
        reason: input.reason,
      });
      await audit.success({ meta: { after: after.state } });
      return view(after);
    } catch (e) {
      const error = toBackstageError(e);
      await audit.fail({ error });
      throw error;
    }
  }
}

/** `*` globs of Teleport's request rules. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern.startsWith('^') && pattern.endsWith('$')) {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return false;
    }
  }
  const re = pattern
    .split('*')
    .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${re}$`).test(value);
}

function reasonOf(value: unknown): string {
  if (typeof value !== 'string' || !value.trim()) {
    throw new InputError('reason: a reason is required');
  }
  if (value.length > MAX_REASON) {
    throw new InputError(`reason: at most ${MAX_REASON} characters`);
  }
  return value.trim();
}

function parseCreateBody(body: unknown): CreateAccessRequestBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('the body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.entityRef !== 'string' || !b.entityRef) {
    throw new InputError('entityRef: required');
  }
  if (
    !Array.isArray(b.roles) ||
    b.roles.length === 0 ||
    b.roles.some(r => typeof r !== 'string' || !r)
  ) {
    throw new InputError('roles: a non-empty list of role names is required');
  }
  const d = b.durationMinutes;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
    throw new InputError(
      'durationMinutes: a whole number of minutes, at least 1',
    );
  }
  return {
    entityRef: b.entityRef,
    roles: [...new Set(b.roles as string[])],
    reason: reasonOf(b.reason),
    durationMinutes: d,
  };
}

function parseReviewBody(body: unknown): AccessReviewBody {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('the body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  if (b.state !== 'APPROVED' && b.state !== 'DENIED') {
    throw new InputError('state: must be APPROVED or DENIED');
  }
  return { state: b.state, reason: reasonOf(b.reason) };
}
