import { isRpcStatus, RpcStatus } from './errors';
import { GcpStore, nowIso } from './store';
import {
  OPERATION_KINDS,
  OperationKind,
  OperationOutcome,
  OperationRecord,
} from './types';

/** How long each kind of long-running operation takes before it is done. */
export interface GcpTimings {
  projectCreateMs: number;
  projectUpdateMs: number;
  projectDeleteMs: number;
  serviceEnableMs: number;
  clusterCreateMs: number;
  clusterDeleteMs: number;
  runServiceCreateMs: number;
  runServiceUpdateMs: number;
  runServiceDeleteMs: number;
}

/** Slow enough that the demo shows progress, fast enough to wait for. */
export const DEFAULT_GCP_TIMINGS: GcpTimings = {
  projectCreateMs: 2000,
  projectUpdateMs: 500,
  projectDeleteMs: 1000,
  serviceEnableMs: 1500,
  clusterCreateMs: 8000,
  clusterDeleteMs: 4000,
  runServiceCreateMs: 3000,
  runServiceUpdateMs: 2500,
  runServiceDeleteMs: 1000,
};

const TIMING_OF: Record<OperationKind, keyof GcpTimings> = {
  createProject: 'projectCreateMs',
  updateProject: 'projectUpdateMs',
  deleteProject: 'projectDeleteMs',
  batchEnable: 'serviceEnableMs',
  createCluster: 'clusterCreateMs',
  deleteCluster: 'clusterDeleteMs',
  createRunService: 'runServiceCreateMs',
  updateRunService: 'runServiceUpdateMs',
  deleteRunService: 'runServiceDeleteMs',
};

/** What the control API asks of the next operations of a kind. */
export interface OperationDirective {
  kind: OperationKind;
  mode: 'fail' | 'hang';
  /** How many of the next operations of the kind (default 1). */
  count?: number;
  /** fail: the error message. */
  message?: string;
  /** fail: the canonical code name of the error (default INTERNAL). */
  status?: RpcStatus;
}

export interface OperationHandlers {
  /** Applies the operation's effect; a throw fails the operation with INTERNAL. */
  succeed(op: OperationRecord): Promise<void> | void;
  /** Undoes what the operation started (a cluster goes to ERROR). */
  fail?(op: OperationRecord): Promise<void> | void;
}

/** Done operations kept for `operations.get` / list. */
const MAX_DONE_OPERATIONS = 1000;

export function isOperationKind(k: unknown): k is OperationKind {
  return (
    typeof k === 'string' && (OPERATION_KINDS as readonly string[]).includes(k)
  );
}

/**
 * Runs long-running operations on timers: each is done after its kind's
 * duration, unless the control API made it fail or hang.
 */
export class OperationRunner {
  private timingValues: GcpTimings;
  private directives: Array<
    Required<Omit<OperationDirective, 'status'>> & {
      status: RpcStatus;
    }
  > = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly handlers: Partial<Record<OperationKind, OperationHandlers>> =
    {};
  private stopped = false;

  constructor(
    private readonly store: GcpStore,
    timings: Partial<GcpTimings> = {},
  ) {
    this.timingValues = { ...DEFAULT_GCP_TIMINGS, ...timings };
  }

  get timings(): GcpTimings {
    return { ...this.timingValues };
  }

  setTimings(timings: Partial<GcpTimings>): void {
    for (const [k, v] of Object.entries(timings)) {
      if (!(k in DEFAULT_GCP_TIMINGS)) throw new Error(`unknown timing ${k}`);
      if (typeof v !== 'number' || !(v >= 0)) {
        throw new Error(`timing ${k} must be a number >= 0`);
      }
    }
    this.timingValues = { ...this.timingValues, ...timings };
  }

  on(kind: OperationKind, handlers: OperationHandlers): void {
    this.handlers[kind] = handlers;
  }

  /** Makes the next `count` operations of a kind fail or hang. */
  direct(d: OperationDirective): void {
    if (!isOperationKind(d.kind)) {
      throw new Error(
        `kind must be one of ${OPERATION_KINDS.join(', ')}, got ${d.kind}`,
      );
    }
    if (d.status !== undefined && !isRpcStatus(d.status)) {
      throw new Error(`unknown status ${d.status}`);
    }
    this.directives.push({
      kind: d.kind,
      mode: d.mode,
      count: d.count ?? 1,
      message: d.message ?? `injected failure of ${d.kind}`,
      status: d.status ?? 'INTERNAL',
    });
  }

  pendingDirectives(): OperationDirective[] {
    return this.directives.map(d => ({ ...d }));
  }

  /**
   * Starts an operation (its outcome decided now, by the directives) and
   * records it in the store.
   */
  start(
    init: Pick<OperationRecord, 'name' | 'kind' | 'project' | 'principal'> &
      Partial<OperationRecord>,
  ): OperationRecord {
    let outcome: OperationOutcome = 'succeed';
    let error: OperationRecord['error'];
    const i = this.directives.findIndex(d => d.kind === init.kind);
    if (i >= 0) {
      const d = this.directives[i];
      outcome = d.mode;
      if (d.mode === 'fail') error = { status: d.status, message: d.message };
      d.count -= 1;
      if (d.count <= 0) this.directives.splice(i, 1);
    }
    const op: OperationRecord = {
      ...init,
      startTime: nowIso(),
      durationMs: this.timingValues[TIMING_OF[init.kind]],
      outcome,
      ...(error ? { error } : {}),
      done: false,
    };
    this.store.state.operations.push(op);
    this.prune();
    this.schedule(op);
    this.store.changed();
    return op;
  }

  /** Finishes hanging operations now (successfully), optionally of one kind. */
  async release(kind?: OperationKind): Promise<number> {
    const hanging = this.store.state.operations.filter(
      o => !o.done && o.outcome === 'hang' && (!kind || o.kind === kind),
    );
    for (const op of hanging) {
      op.outcome = 'succeed';
      await this.finish(op);
    }
    return hanging.length;
  }

  /** After a restore: the operations not yet done continue where they were. */
  resume(): void {
    for (const op of this.store.state.operations) {
      if (!op.done) this.schedule(op);
    }
  }

  /** Forgets timers and directives (reset). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.directives = [];
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  /** Fraction of the operation's time that has passed (0..1; 1 when done). */
  progressOf(op: OperationRecord): number {
    if (op.done) return 1;
    if (op.durationMs <= 0) return op.outcome === 'hang' ? 0.5 : 1;
    const elapsed = Date.now() - Date.parse(op.startTime);
    const fraction = Math.min(1, Math.max(0, elapsed / op.durationMs));
    // A hanging operation stalls before its end.
    return op.outcome === 'hang' ? Math.min(fraction, 0.9) : fraction;
  }

  private schedule(op: OperationRecord) {
    if (op.outcome === 'hang' || op.done || this.stopped) return;
    const remaining = Date.parse(op.startTime) + op.durationMs - Date.now();
    const timer = setTimeout(() => {
      this.timers.delete(op.name);
      this.finish(op).catch(() => undefined);
    }, Math.max(0, remaining));
    timer.unref();
    this.timers.set(op.name, timer);
  }

  private async finish(op: OperationRecord) {
    if (op.done) return;
    clearTimeout(this.timers.get(op.name));
    this.timers.delete(op.name);
    const handlers = this.handlers[op.kind];
    if (op.outcome === 'fail') {
      await Promise.resolve(handlers?.fail?.(op)).catch(() => undefined);
    } else {
      try {
        await handlers?.succeed(op);
      } catch (e) {
        op.outcome = 'fail';
        op.error = { status: 'INTERNAL', message: (e as Error).message };
        await Promise.resolve(handlers?.fail?.(op)).catch(() => undefined);
      }
    }
    // The server may have been stopped or reset while the handler ran.
    if (this.stopped || !this.store.state.operations.includes(op)) return;
    op.done = true;
    op.endTime = nowIso();
    this.store.changed();
  }

  private prune() {
    const ops = this.store.state.operations;
    let excess = ops.filter(o => o.done).length - MAX_DONE_OPERATIONS;
    for (let i = 0; excess > 0 && i < ops.length; ) {
      if (ops[i].done) {
        ops.splice(i, 1);
        excess -= 1;
      } else {
        i += 1;
      }
    }
  }
}
