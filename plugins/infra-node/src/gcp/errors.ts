import {
  ConflictError,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** gRPC status codes, which Google's clients put on every error (REST ones included). */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface GoogleErrorLike {
  code?: number;
  message?: string;
  details?: unknown;
  statusDetails?: unknown[];
}

export function grpcCodeOf(error: unknown): number | undefined {
  const code = (error as GoogleErrorLike | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The field violations of a google.rpc.BadRequest detail, as "field: description". */
function fieldViolations(error: GoogleErrorLike): string[] {
  const out: string[] = [];
  for (const detail of error.statusDetails ?? []) {
    const violations = (
      detail as {
        fieldViolations?: Array<{ field?: string; description?: string }>;
      }
    )?.fieldViolations;
    for (const v of violations ?? []) {
      out.push(`${v.field ?? '?'}: ${v.description ?? 'invalid'}`);
    }
  }
  return out;
}

/** Google's message without the "3 INVALID_ARGUMENT: " prefix the client adds. */
function plainMessage(error: GoogleErrorLike): string {
  const text =
    (typeof error.details === 'string' && error.details) ||
    (typeof error.message === 'string' && error.message) ||
    String(error);
  return text.replace(/^\d+ [A-Z_]+: /, '');
}

/**
 * Turns an error of a Google client into the @backstage/errors type a person and the framework
 * understand, with what Groundcrew was doing (`what`) in front. Messages are GCP's own (they name
 * resources, never credentials).
 */
export function toBackstageError(error: unknown, what: string): Error {
  const e = (error ?? {}) as GoogleErrorLike;
  const message = `${what}: ${plainMessage(e)}`;
  switch (grpcCodeOf(error)) {
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.FAILED_PRECONDITION: {
      const violations = fieldViolations(e);
      return new InputError(
        violations.length ? `${message} (${violations.join('; ')})` : message,
      );
    }
    case GrpcCode.NOT_FOUND:
      return new NotFoundError(message);
    case GrpcCode.ALREADY_EXISTS:
    case GrpcCode.ABORTED:
      return new ConflictError(message);
    case GrpcCode.PERMISSION_DENIED:
      return new NotAllowedError(message);
    case GrpcCode.UNAUTHENTICATED:
      return new NotAllowedError(
        `${what}: GCP rejected Groundcrew's credentials (see groundcrew.gcp.credentials)`,
      );
    case GrpcCode.RESOURCE_EXHAUSTED:
    case GrpcCode.UNAVAILABLE:
    case GrpcCode.DEADLINE_EXCEEDED:
      return new ServiceUnavailableError(message);
    default:
      return new ForwardedError(what, error);
  }
}

/** Codes worth another attempt after a pause: quota / rate limits and a busy service. */
export function isRetryable(error: unknown): boolean {
  const code = grpcCodeOf(error);
  return code === GrpcCode.RESOURCE_EXHAUSTED || code === GrpcCode.UNAVAILABLE;
}
