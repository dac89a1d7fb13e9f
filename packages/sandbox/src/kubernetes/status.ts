import { HttpError } from '../framework/http';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
  type?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A `kind: Status` failure body, as the API server writes it. */
export function failureStatus(
  code: number,
  message: string,
  reason?: string,
  details?: StatusDetails,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reason ?? REASONS[code] ?? '',
    ...(details ? { details } : {}),
    code,
  };
}

export function statusError(
  code: number,
  message: string,
  reason?: string,
  details?: StatusDetails,
): HttpError {
  return new HttpError(code, failureStatus(code, message, reason, details));
}

/** `pods "x" not found` */
export function notFound(
  resource: string,
  name: string,
  group = '',
): HttpError {
  const what = group ? `${resource}.${group}` : resource;
  return statusError(404, `${what} "${name}" not found`, 'NotFound', {
    name,
    group: group || undefined,
    kind: resource,
  });
}

export function alreadyExists(
  resource: string,
  name: string,
  group = '',
): HttpError {
  const what = group ? `${resource}.${group}` : resource;
  return statusError(409, `${what} "${name}" already exists`, 'AlreadyExists', {
    name,
    group: group || undefined,
    kind: resource,
  });
}

export function conflict(
  resource: string,
  name: string,
  group: string,
  why: string,
  causes?: StatusCause[],
): HttpError {
  const what = group ? `${resource}.${group}` : resource;
  return statusError(
    409,
    `Operation cannot be fulfilled on ${what} "${name}": ${why}`,
    'Conflict',
    {
      name,
      group: group || undefined,
      kind: resource,
      ...(causes ? { causes } : {}),
    },
  );
}

/** 422 Invalid with one cause per field error. */
export function invalid(
  kind: string,
  name: string,
  group: string,
  causes: StatusCause[],
): HttpError {
  const what = group ? `${kind}.${group}` : kind;
  const summary = causes.map(c => `${c.field}: ${c.message}`).join(', ');
  return statusError(
    422,
    `${what} "${name}" is invalid: ${
      causes.length > 1 ? `[${summary}]` : summary
    }`,
    'Invalid',
    { name, group: group || undefined, kind, causes },
  );
}

export function badRequest(message: string): HttpError {
  return statusError(400, message, 'BadRequest');
}
