import { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { performance } from 'node:perf_hooks';
import { wholeNumber } from '../configValues';

/**
 * Gives the native heap's free memory back to the system: glibc's `malloc_trim(0)`, on an interval.
 *
 * Why: Node's socket reads and TLS records are malloc'd in blocks of up to 64 KB and freed when V8
 * collects their Buffers. Long-lived blocks between them keep glibc's main heap from shrinking, and
 * `free()` gives back only the heap's top: after the watch cache's first sync of 120,000 objects,
 * glibc held ≈ 30 MB free and resident (docs/content/performance.md, "Search"). `malloc_trim(0)`
 * also releases the free pages inside the heap. Node has no binding for it, so it is called through
 * ffi-rs (prebuilt for each platform, no build on install).
 *
 * @public
 */
export interface NativeHeapService {
  /** Whether this process trims: Linux with glibc, ffi-rs loaded, `trimIntervalMs` not 0. */
  readonly trimming: boolean;
  /** Trims now (the interval does it by itself); false when this process does not trim. */
  trim(): boolean;
}

/** `groundcrew.nativeHeap`. */
export interface NativeHeapConfig {
  /** Milliseconds between two trims; 0: never. */
  trimIntervalMs: number;
}

/** @internal */
export const DEFAULT_TRIM_INTERVAL_MS = 500;

/**
 * Reads `groundcrew.nativeHeap`.
 *
 * @internal
 */
export function readNativeHeapConfig(root: Config): NativeHeapConfig {
  return {
    // 0: never.
    trimIntervalMs: wholeNumber(
      root,
      'groundcrew.nativeHeap.trimIntervalMs',
      DEFAULT_TRIM_INTERVAL_MS,
      { min: 0, max: 3_600_000 },
    ),
  };
}

/** glibc's `malloc_trim(0)`, or why this process cannot call it. */
export type MallocTrim =
  | { available: true; trim: () => void }
  | { available: false; reason: string };

/**
 * Binds glibc's `malloc_trim` through ffi-rs. Anything else (macOS, Windows, musl, no ffi-rs binary
 * for this platform) gives the reason instead; nothing is trimmed there.
 *
 * @internal
 */
export function loadMallocTrim(): MallocTrim {
  if (process.platform !== 'linux') {
    return { available: false, reason: `not Linux (${process.platform})` };
  }
  const glibc = (
    process.report?.getReport() as
      | { header?: { glibcVersionRuntime?: string } }
      | undefined
  )?.header?.glibcVersionRuntime;
  if (!glibc) return { available: false, reason: 'the C library is not glibc' };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ffi = require('ffi-rs') as typeof import('ffi-rs');
    const library = 'groundcrew-libc';
    ffi.open({ library, path: 'libc.so.6' });
    const { malloc_trim: mallocTrim } = ffi.define({
      malloc_trim: {
        library,
        retType: ffi.DataType.I32,
        paramsType: [ffi.DataType.I64],
      },
    });
    return { available: true, trim: () => mallocTrim([0]) };
  } catch (error) {
    return {
      available: false,
      reason: `glibc ${glibc}, but malloc_trim could not be bound: ${
        (error as Error).message
      }`,
    };
  }
}

/**
 * Trims every `trimIntervalMs` (on a timer that does not keep the process alive) until `stop()`.
 *
 * @internal
 */
export class NativeHeapTrimmer implements NativeHeapService {
  readonly trimming: boolean;
  private timer?: NodeJS.Timeout;
  private calls = 0;
  private millis = 0;

  constructor(
    private readonly options: {
      config: NativeHeapConfig;
      mallocTrim: MallocTrim;
      logger: LoggerService;
    },
  ) {
    const { config, mallocTrim, logger } = options;
    this.trimming = mallocTrim.available && config.trimIntervalMs > 0;
    if (this.trimming) {
      this.timer = setInterval(() => this.trim(), config.trimIntervalMs);
      this.timer.unref();
      logger.info(
        `Native heap: glibc's free memory is given back every ${config.trimIntervalMs} ms (malloc_trim)`,
      );
    } else {
      logger.info(
        `Native heap: not trimmed (${
          mallocTrim.available
            ? 'groundcrew.nativeHeap.trimIntervalMs is 0'
            : mallocTrim.reason
        })`,
      );
    }
  }

  trim(): boolean {
    const { mallocTrim } = this.options;
    if (!this.trimming || !mallocTrim.available) return false;
    const started = performance.now();
    mallocTrim.trim();
    this.millis += performance.now() - started;
    this.calls += 1;
    return true;
  }

  /** Calls so far and the milliseconds they took (the main thread waits for each). */
  stats() {
    return { calls: this.calls, millis: this.millis };
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    const { calls, millis } = this.stats();
    if (calls > 0) {
      this.options.logger.debug(
        `Native heap: ${calls} trims took ${millis.toFixed(0)} ms in all`,
      );
    }
  }
}
