/** A fault to inject into the next `count` requests that match. */
export interface FaultSpec {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regular expression tested against the path and query string (any when absent). */
  path?: string;
  /** How many matching requests the fault applies to (default 1; 0 or less means until cleared). */
  count?: number;
  /** Answer with this status code and a protocol-shaped error body. */
  status?: number;
  /** Message in the error body. */
  message?: string;
  /**
   * The protocol's own error reason in the body, when the status code alone
   * does not say it: a Kubernetes Status `reason` (`Conflict`), a Google
   * `error.status` (`ALREADY_EXISTS` rather than the default `ABORTED` for 409).
   */
  reason?: string;
  /** Sets `Retry-After` (seconds), as an API server does with 429. */
  retryAfterSeconds?: number;
  /** Wait this long before answering (alone, or before the status). */
  delayMs?: number;
  /** Accept a watch (200 and headers) and then cut the connection. */
  dropWatch?: boolean;
  /**
   * Accept a watch (200 and headers) and then send nothing, ever: no event, no bookmark, no end at
   * the watch timeout, the connection kept open. What a client sees of a half-open connection.
   */
  silentWatch?: boolean;
}

interface ActiveFault {
  spec: FaultSpec;
  pathRe?: RegExp;
  remaining: number;
}

/** The faults injected into one server, consumed in order of injection. */
export class FaultSet {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const count = spec.count ?? 1;
    this.faults.push({
      spec,
      pathRe: spec.path !== undefined ? new RegExp(spec.path) : undefined,
      remaining: count > 0 ? count : Infinity,
    });
  }

  clear(): void {
    this.faults = [];
  }

  list(): Array<FaultSpec & { remaining: number | null }> {
    return this.faults.map(f => ({
      ...f.spec,
      remaining: Number.isFinite(f.remaining) ? f.remaining : null,
    }));
  }

  /** Finds the first fault that matches and consumes one use of it. */
  take(method: string, pathAndQuery: string): FaultSpec | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i];
      if (f.spec.method && f.spec.method.toUpperCase() !== method) continue;
      if (f.pathRe && !f.pathRe.test(pathAndQuery)) continue;
      f.remaining -= 1;
      if (f.remaining <= 0) {
        this.faults.splice(i, 1);
      }
      return f.spec;
    }
    return undefined;
  }
}
