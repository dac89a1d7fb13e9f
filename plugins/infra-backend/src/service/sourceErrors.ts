import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/**
 * Errors a source answers on purpose (what it refuses, what it does not have): passed on as they
 * are. Anything else — a refused connection, a reset, a timeout, an answer that is not GCP's —
 * means the source is down for us.
 */
function isAnswer(error: unknown): boolean {
  return (
    error instanceof InputError ||
    error instanceof NotAllowedError ||
    error instanceof NotFoundError
  );
}

/**
 * Runs a read of an outside system. What the system refuses comes through unchanged; a system that
 * is down becomes a ServiceUnavailableError that says which system and what was being read — never
 * the underlying error's text, which can name internal addresses. That text goes to the log.
 */
export async function readFrom<T>(options: {
  system: string;
  what: string;
  logger: LoggerService;
  read: () => Promise<T>;
}): Promise<T> {
  const { system, what, logger, read } = options;
  try {
    return await read();
  } catch (error) {
    if (isAnswer(error)) throw error;
    logger.warn(
      `${system} did not answer ${what}: ${
        isError(error) ? error.message : String(error)
      }`,
    );
    throw new ServiceUnavailableError(
      `${system} is unavailable: could not read ${what}`,
    );
  }
}
