import fs from 'node:fs';

/**
 * Where a process's resident memory is, from `/proc/<pid>/smaps`: glibc's main heap (`[heap]`:
 * what the main thread mallocs — TLS records, socket reads, buffers — resident until glibc can
 * give it back), anonymous mappings (V8's heap, other threads' malloc arenas, large buffers), and
 * file-backed pages (the `node` binary, libraries). In MB.
 */
export function residentMemory(pid: number) {
  const text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const mb = { mallocHeap: 0, anonymous: 0, files: 0 };
  let into: keyof typeof mb = 'anonymous';
  for (const line of text.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1];
      if (name === '[heap]') into = 'mallocHeap';
      else if (name === '' || name.startsWith('[')) into = 'anonymous';
      else into = 'files';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) mb[into] += Number(rss[1]) / 1024;
  }
  return mb;
}
