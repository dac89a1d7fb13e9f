import fs from 'node:fs';
import { residentMemory } from './smaps';

describe('residentMemory', () => {
  it("splits this process's resident memory into malloc heap, anonymous and file-backed", () => {
    const parts = residentMemory(process.pid);
    const vmRssMb =
      Number(
        /VmRSS:\s+(\d+) kB/.exec(
          fs.readFileSync(`/proc/${process.pid}/status`, 'utf8'),
        )![1],
      ) / 1024;
    const sum = parts.mallocHeap + parts.anonymous + parts.files;
    // Read a moment apart: the process may have grown or shrunk a little in between.
    expect(Math.abs(sum - vmRssMb)).toBeLessThan(Math.max(10, vmRssMb * 0.05));
    // Node's binary is a file; V8's heap is anonymous; the main thread mallocs.
    expect(parts.files).toBeGreaterThan(10);
    expect(parts.anonymous).toBeGreaterThan(10);
    expect(parts.mallocHeap).toBeGreaterThan(0);
  });
});
