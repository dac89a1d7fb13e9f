import { ResponseError } from '@backstage/errors';

/**
 * What went wrong, in the backend's words: a ResponseError's own message only says "Request failed
 * with 403", the backend's reason is in its body.
 */
export function messageOf(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return error.message;
}
