import { HttpError } from '../framework/http';
import type { FaultSpec } from '../framework/faults';

/**
 * The canonical codes of google/rpc/code.proto: their number (what a client's
 * `error.code` becomes, and what an operation's `error.code` carries) and the
 * HTTP status Google answers them with.
 */
export const RPC_CODES = {
  CANCELLED: { code: 1, http: 499 },
  UNKNOWN: { code: 2, http: 500 },
  INVALID_ARGUMENT: { code: 3, http: 400 },
  DEADLINE_EXCEEDED: { code: 4, http: 504 },
  NOT_FOUND: { code: 5, http: 404 },
  ALREADY_EXISTS: { code: 6, http: 409 },
  PERMISSION_DENIED: { code: 7, http: 403 },
  RESOURCE_EXHAUSTED: { code: 8, http: 429 },
  FAILED_PRECONDITION: { code: 9, http: 400 },
  ABORTED: { code: 10, http: 409 },
  OUT_OF_RANGE: { code: 11, http: 400 },
  UNIMPLEMENTED: { code: 12, http: 501 },
  INTERNAL: { code: 13, http: 500 },
  UNAVAILABLE: { code: 14, http: 503 },
  DATA_LOSS: { code: 15, http: 500 },
  UNAUTHENTICATED: { code: 16, http: 401 },
} as const;

export type RpcStatus = keyof typeof RPC_CODES;

/** The status an HTTP code stands for when nothing more is known (409 → ABORTED, as gax maps it). */
const STATUS_BY_HTTP: Record<number, RpcStatus> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function isRpcStatus(s: unknown): s is RpcStatus {
  return typeof s === 'string' && s in RPC_CODES;
}

/** A `google.protobuf.Any` detail of an error (`google.rpc.BadRequest`, `ErrorInfo`, …). */
export type ErrorDetail = { '@type': string } & Record<string, unknown>;

/** Google's JSON error body: `{error: {code, message, status, details}}`. */
export function googleErrorBody(
  httpCode: number,
  message: string,
  status: RpcStatus,
  details: ErrorDetail[] = [],
) {
  return {
    error: {
      code: httpCode,
      message,
      status,
      ...(details.length ? { details } : {}),
    },
  };
}

/** The framework's `errorBody`: injected faults and unmatched paths answer like Google. */
export function errorBodyForFault(
  httpCode: number,
  message: string,
  fault?: FaultSpec,
) {
  const status: RpcStatus =
    fault?.reason && isRpcStatus(fault.reason)
      ? fault.reason
      : STATUS_BY_HTTP[httpCode] ?? (httpCode >= 500 ? 'INTERNAL' : 'UNKNOWN');
  return googleErrorBody(httpCode, message, status);
}

/** An error a handler throws, answered with Google's body and the status's HTTP code. */
export function gcpError(
  status: RpcStatus,
  message: string,
  details: ErrorDetail[] = [],
): HttpError {
  const { http } = RPC_CODES[status];
  return new HttpError(http, googleErrorBody(http, message, status, details));
}

export interface FieldViolation {
  /** Path of the field in the request, as proto field names (`project.project_id`). */
  field: string;
  description: string;
}

export function badRequestDetail(violations: FieldViolation[]): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.BadRequest',
    fieldViolations: violations,
  };
}

/** 400 INVALID_ARGUMENT with a `google.rpc.BadRequest` detail listing the fields. */
export function invalidArgument(
  violations: FieldViolation[],
  message = 'Request contains an invalid argument.',
): HttpError {
  return gcpError('INVALID_ARGUMENT', message, [badRequestDetail(violations)]);
}

export function errorInfo(
  reason: string,
  domain: string,
  metadata: Record<string, string> = {},
): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain,
    metadata,
  };
}

export function permissionDenied(
  message = 'The caller does not have permission',
  details: ErrorDetail[] = [],
): HttpError {
  return gcpError('PERMISSION_DENIED', message, details);
}

/** The `google.rpc.Status` of a failed operation (the code as its number). */
export function operationError(status: RpcStatus, message: string) {
  return { code: RPC_CODES[status].code, message };
}
