import { HttpError } from '../framework/http';

/** One error inside a sandbox cluster that no request saw (a controller, a watch listener). */
export interface Problem {
  at: string;
  /** What failed, e.g. `reconcile deploy default/web` or `store listener`. */
  source: string;
  message: string;
  /** The HTTP status when the error was an API error. */
  status?: number;
}

export type ProblemSink = (line: string, problem: Problem) => void;

const defaultSink: ProblemSink = line => console.warn(line);

/**
 * The errors of one cluster's background work: each is logged (stderr by
 * default) and kept, newest last and bounded, for `GET /_sandbox/problems`
 * on the control listener and for tests.
 */
export class ProblemLog {
  private readonly items: Problem[] = [];
  sink: ProblemSink = defaultSink;

  constructor(readonly cluster: string, private readonly max = 200) {}

  report(source: string, error: unknown): void {
    const problem: Problem = {
      at: new Date().toISOString(),
      source,
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof HttpError ? { status: error.status } : {}),
    };
    this.items.push(problem);
    if (this.items.length > this.max) this.items.shift();
    this.sink(
      `[sandbox ${this.cluster}] ${source} failed: ${problem.message}`,
      problem,
    );
  }

  list(): Problem[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** Expected while objects come and go: the target (or its namespace) is gone. */
export function isNotFound(error: unknown): boolean {
  return error instanceof HttpError && error.status === 404;
}
