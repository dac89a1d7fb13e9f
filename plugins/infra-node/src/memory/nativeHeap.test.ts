import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  loadMallocTrim,
  MallocTrim,
  NativeHeapService,
  NativeHeapTrimmer,
  readNativeHeapConfig,
} from './nativeHeap';
import { nativeHeapServiceFactory } from '../services';

const onGlibc = Boolean(
  (
    process.report.getReport() as {
      header: { glibcVersionRuntime?: string };
    }
  ).header.glibcVersionRuntime,
);

/** Resident MB of glibc's main heap (`[heap]` in smaps). */
function mallocHeapMb(): number {
  const smaps = fs.readFileSync('/proc/self/smaps', 'utf8');
  const at = smaps.indexOf(' [heap]\n');
  if (at < 0) return 0;
  const rss = /^Rss:\s+(\d+) kB/m.exec(smaps.slice(at));
  return Number(rss![1]) / 1024;
}

describe('readNativeHeapConfig', () => {
  it('defaults to a trim every 500 ms and accepts 0 (never)', () => {
    expect(readNativeHeapConfig(new ConfigReader({}))).toEqual({
      trimIntervalMs: 500,
    });
    expect(
      readNativeHeapConfig(
        new ConfigReader({ groundcrew: { nativeHeap: { trimIntervalMs: 0 } } }),
      ),
    ).toEqual({ trimIntervalMs: 0 });
  });

  it.each([-1, 2.5, '500', 3_600_001])('refuses %p, naming the key', value => {
    expect(() =>
      readNativeHeapConfig(
        new ConfigReader({
          groundcrew: { nativeHeap: { trimIntervalMs: value } },
        }),
      ),
    ).toThrow(/groundcrew\.nativeHeap\.trimIntervalMs must be a whole number/);
  });
});

/**
 * Fragments glibc's main heap as socket reads do, then trims: the resident MB it gave back. Buffers
 * of 8–14 KB are malloc'd from that heap; one in eight stays alive between the others, as
 * long-lived blocks do in a backend, so glibc cannot give the freed ones back from the heap's top.
 */
async function freedByTrim(trim: () => void): Promise<number> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const kept: Buffer[] = [];
  for (let i = 0; i < 12_000; i++) {
    const buffer = Buffer.alloc(8192 + (i % 7) * 1024);
    if (i % 8 === 0) kept.push(buffer);
  }
  gc();
  gc();
  // V8 frees the Buffers' memory on a helper thread after the collection.
  await new Promise(resolve => setTimeout(resolve, 200));
  const before = mallocHeapMb();
  trim();
  const after = mallocHeapMb();
  kept.length = 0;
  return before - after;
}

describe('loadMallocTrim', () => {
  it('binds malloc_trim where the C library is glibc, and says why not elsewhere', () => {
    const mallocTrim = loadMallocTrim();
    expect(mallocTrim.available).toBe(onGlibc);
    // Where it cannot bind, it says why.
    const what = mallocTrim.available
      ? typeof mallocTrim.trim
      : `reason: ${mallocTrim.reason.length > 0}`;
    expect(what).toBe(onGlibc ? 'function' : 'reason: true');
  });

  it("gives glibc's free heap pages back to the system", async () => {
    const mallocTrim = loadMallocTrim();
    // ≈ 110 MB allocated, ≈ 17 MB kept: 20 MB of the free pages went back in runs here; none
    // without the trim (glibc's heap stays as it is, or grows).
    const freed = mallocTrim.available
      ? await freedByTrim(mallocTrim.trim)
      : Infinity;
    expect(freed).toBeGreaterThan(10);
  });
});

describe('NativeHeapTrimmer', () => {
  const counting = () => {
    const calls = { n: 0 };
    const mallocTrim: MallocTrim = {
      available: true,
      trim: () => {
        calls.n += 1;
      },
    };
    return { calls, mallocTrim };
  };

  afterEach(() => jest.useRealTimers());

  it('trims on its interval until stopped', () => {
    jest.useFakeTimers();
    const { calls, mallocTrim } = counting();
    const logger = mockServices.logger.mock();
    const trimmer = new NativeHeapTrimmer({
      config: { trimIntervalMs: 500 },
      mallocTrim,
      logger,
    });
    expect(trimmer.trimming).toBe(true);
    jest.advanceTimersByTime(1_600);
    expect(calls.n).toBe(3);
    expect(trimmer.trim()).toBe(true);
    expect(trimmer.stats().calls).toBe(4);
    trimmer.stop();
    jest.advanceTimersByTime(5_000);
    expect(calls.n).toBe(4);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('every 500 ms'),
    );
  });

  it('does nothing when turned off, and says so', () => {
    jest.useFakeTimers();
    const { calls, mallocTrim } = counting();
    const logger = mockServices.logger.mock();
    const trimmer = new NativeHeapTrimmer({
      config: { trimIntervalMs: 0 },
      mallocTrim,
      logger,
    });
    jest.advanceTimersByTime(5_000);
    expect(trimmer.trimming).toBe(false);
    expect(trimmer.trim()).toBe(false);
    expect(calls.n).toBe(0);
    expect(logger.info).toHaveBeenCalledWith(
      'Native heap: not trimmed (groundcrew.nativeHeap.trimIntervalMs is 0)',
    );
  });

  it('does nothing where malloc_trim is not there, and says why', () => {
    const logger = mockServices.logger.mock();
    const trimmer = new NativeHeapTrimmer({
      config: { trimIntervalMs: 500 },
      mallocTrim: { available: false, reason: 'not Linux (darwin)' },
      logger,
    });
    expect(trimmer.trimming).toBe(false);
    expect(trimmer.trim()).toBe(false);
    expect(logger.info).toHaveBeenCalledWith(
      'Native heap: not trimmed (not Linux (darwin))',
    );
  });
});

describe('nativeHeapServiceFactory', () => {
  it('trims in this process when on glibc', async () => {
    const tester = ServiceFactoryTester.from(nativeHeapServiceFactory, {
      dependencies: [mockServices.rootConfig.factory({ data: {} })],
    });
    const service = (await tester.getSubject()) as NativeHeapService;
    expect(service.trimming).toBe(onGlibc);
    expect(service.trim()).toBe(onGlibc);
  });

  it('stops the backend on an invalid interval, naming the key', async () => {
    const tester = ServiceFactoryTester.from(nativeHeapServiceFactory, {
      dependencies: [
        mockServices.rootConfig.factory({
          data: { groundcrew: { nativeHeap: { trimIntervalMs: 'often' } } },
        }),
      ],
    });
    await expect(tester.getSubject()).rejects.toThrow(
      /groundcrew\.nativeHeap\.trimIntervalMs must be a whole number/,
    );
  });
});
