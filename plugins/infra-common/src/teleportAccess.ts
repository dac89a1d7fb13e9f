import { GROUNDCREW_ANNOTATIONS, KUBERNETES_ANNOTATIONS } from './annotations';

/** The part of a catalog entity the role rule reads (no dependency on catalog-model). */
type EntityLike = { metadata: { annotations?: Record<string, string> } };
/**
 * Types of the Access tab's API (`/api/teleport-access`), shared by its frontend and backend.
 */

/**
 * Whether Teleport could be asked, and if not, why.
 *
 * @public
 */
export type TeleportStatus =
  | 'ok'
  | 'not-configured'
  | 'unreachable'
  | 'certificate-rejected';

/**
 * A Teleport access request as the Access tab shows it.
 *
 * @public
 */
export interface AccessRequestView {
  id: string;
  /** The Teleport user who asked. */
  user: string;
  roles: string[];
  state: 'PENDING' | 'APPROVED' | 'DENIED' | 'PROMOTED' | 'NONE';
  reason: string;
  resolveReason: string;
  /** ISO time. */
  created?: string;
  /** ISO time the access ends (and the request with it). */
  accessExpiry?: string;
  reviews: Array<{
    author: string;
    state: string;
    reason: string;
    created?: string;
  }>;
}

/**
 * One namespace of an entity, its Teleport role pair and what the user may do in it now.
 *
 * @public
 */
export interface NamespaceAccess {
  namespace: string;
  /** Held by default. */
  readRole: string;
  /** Granted by an approved request. */
  writeRole: string;
  /** Whether the write role exists in Teleport and a read-role holder may request it. */
  requestable: boolean;
  /** The longest access a request may ask for (the read role's `allow.request.max_duration`). */
  maxDurationMinutes?: number;
  /** Whether Teleport requires a reason (`options.request_access: reason`). */
  reasonRequired: boolean;
  /** What the user may do now: `write` while an approved request is running. */
  access: 'read' | 'write';
  /** ISO time the write access ends, when `access` is `write`. */
  writeUntil?: string;
}

/**
 * `GET /api/teleport-access/access/:namespace/:kind/:name`.
 *
 * @public
 */
export interface EntityAccessView {
  teleport: {
    status: TeleportStatus;
    /** What went wrong, when the status is not `ok`. */
    message?: string;
    clusterName?: string;
  };
  /** The signed-in user and the Teleport user they map to (none: they cannot request). */
  user: {
    entityRef: string;
    teleportUser?: string;
    mappedBy?: 'annotation' | 'email';
  };
  /** Whether the user holds `groundcrew.access.review`. */
  canReview: boolean;
  namespaces: NamespaceAccess[];
  /** The user's own requests for this entity's roles. */
  myRequests: AccessRequestView[];
  /** Pending requests by others for this entity's roles that the user may review. */
  toReview: AccessRequestView[];
}

/**
 * `POST /api/teleport-access/requests`.
 *
 * @public
 */
export interface CreateAccessRequestBody {
  /** The entity whose role is asked for, e.g. `component:default/ai-gateway`. */
  entityRef: string;
  roles: string[];
  reason: string;
  durationMinutes: number;
}

/**
 * `POST /api/teleport-access/requests/:id/reviews`.
 *
 * @public
 */
export interface AccessReviewBody {
  state: 'APPROVED' | 'DENIED';
  reason: string;
}

/**
 * A namespace of an entity and its Teleport role pair.
 *
 * @public
 */
export interface EntityRolePair {
  namespace: string;
  readRole: string;
  writeRole: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/**
 * The namespaces of an entity: `backstage.io/kubernetes-namespace` (comma-separated), else the
 * Runway service name (Runway turns a service up in a namespace of its name), else
 * `backstage.io/kubernetes-id`.
 *
 * @public
 */
export function entityNamespaces(entity: EntityLike): string[] {
  const a = entity.metadata.annotations ?? {};
  const explicit = list(a[KUBERNETES_ANNOTATIONS.namespace]);
  if (explicit.length) return explicit;
  const runway = a[GROUNDCREW_ANNOTATIONS.runwayService]?.trim();
  if (runway) return [runway];
  const id = a[KUBERNETES_ANNOTATIONS.id]?.trim();
  return id ? [id] : [];
}

/**
 * The Teleport role pairs of an entity: `<ns>-read` (held by default) and `<ns>-write`
 * (requestable) per namespace; `groundcrew.io/teleport-role` names the write roles instead
 * (`<x>-write` pairs with `<x>-read`).
 *
 * @public
 */
export function entityRolePairs(entity: EntityLike): EntityRolePair[] {
  const a = entity.metadata.annotations ?? {};
  const namespaces = entityNamespaces(entity);
  const writeRoles = list(a[GROUNDCREW_ANNOTATIONS.teleportRole]);
  if (writeRoles.length) {
    return writeRoles.map((writeRole, i) => {
      const base = writeRole.replace(/-write$/, '');
      return {
        namespace: namespaces[i] ?? base,
        readRole: `${base}-read`,
        writeRole,
      };
    });
  }
  return namespaces.map(namespace => ({
    namespace,
    readRole: `${namespace}-read`,
    writeRole: `${namespace}-write`,
  }));
}

/**
 * Whether the Access tab has something to show for an entity.
 *
 * @public
 */
export function hasTeleportAccess(entity: EntityLike): boolean {
  return entityRolePairs(entity).length > 0;
}
