import { SandboxControl } from '../control';
import type { RpcStatus } from './errors';
import type { GcpTimings, OperationDirective } from './operations';
import type { GcpFixture, GcpState, OperationKind } from './types';

/**
 * The control API of the GCP imitation: everything {@link SandboxControl}
 * does (faults, counters, reset, down/up), plus operations that fail or hang,
 * operation durations, GCP fixtures and a view of the state.
 */
export class GcpControl extends SandboxControl {
  /**
   * Makes the next `count` (default 1) operations of a kind fail: Resource
   * Manager / Service Usage operations end `done: true` with `error`; Container
   * operations end DONE with `error` and the cluster goes to ERROR; Cloud Run
   * operations end `done: true` with `error`, the new revision and the service
   * not ready (CONDITION_FAILED), the traffic where it was.
   */
  async failNextOperations(opts: {
    kind: OperationKind;
    count?: number;
    message?: string;
    /** Canonical code name of the error (default INTERNAL). */
    status?: RpcStatus;
  }): Promise<void> {
    await this.call('POST', '/_sandbox/gcp/operations/fail', opts);
  }

  /** Makes the next `count` (default 1) operations of a kind never finish (until released). */
  async hangNextOperations(opts: {
    kind: OperationKind;
    count?: number;
  }): Promise<void> {
    await this.call('POST', '/_sandbox/gcp/operations/hang', opts);
  }

  /** Finishes hanging operations now, successfully; returns how many. */
  async releaseOperations(kind?: OperationKind): Promise<number> {
    const out = (await this.call(
      'POST',
      '/_sandbox/gcp/operations/release',
      kind ? { kind } : {},
    )) as { released: number };
    return out.released;
  }

  /** Changes how long operations started from now on take. */
  async setOperationDurations(
    timings: Partial<GcpTimings>,
  ): Promise<GcpTimings> {
    return (await this.call(
      'POST',
      '/_sandbox/gcp/timings',
      timings,
    )) as GcpTimings;
  }

  async operationDurations(): Promise<GcpTimings> {
    return (await this.call('GET', '/_sandbox/gcp/timings')) as GcpTimings;
  }

  /**
   * Adds GCP records (projects, clusters, …) to the state, or with `replace`
   * makes them the fixture that `reset` returns to.
   */
  async loadGcpFixture(
    fixture: GcpFixture,
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    await this.call('POST', '/_sandbox/fixture', {
      fixture,
      replace: opts.replace ?? false,
    });
  }

  /** The whole state, and the pending fail / hang directives. */
  async state(): Promise<GcpState & { directives: OperationDirective[] }> {
    return (await this.call('GET', '/_sandbox/gcp/state')) as GcpState & {
      directives: OperationDirective[];
    };
  }
}
