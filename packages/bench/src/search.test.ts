import { spawn } from 'node:child_process';
import path from 'node:path';

// The whole program: a sandbox, a production build of the bench backend, one collation.
jest.setTimeout(300_000);

function runBench(env: Record<string, string>): Promise<{
  code: number | null;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, 'search.ts'),
      ],
      {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => {
      stdout += d;
    });
    child.stderr.on('data', d => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('exit', code => resolve({ code, stdout, stderr }));
  });
}

describe('yarn bench:search', () => {
  it('collates the seeded documents and ends with the summary line', async () => {
    const { code, stdout, stderr } = await runBench({
      BENCH_SEARCH_CLUSTERS: '2',
      BENCH_SEARCH_SERVICES: '30',
      BENCH_SEARCH_PROJECTS: '10',
      BENCH_SEARCH_VAULT_PATHS: '40',
    });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const lines = stdout.trimEnd().split('\n');
    const last = lines[lines.length - 1];
    const match = last.match(
      /^search: docs=(\d+) seconds=(\d+(?:\.\d+)?) rss_mb_peak=(\d+)$/,
    );
    expect(match).not.toBeNull();
    // 30 services + 2 clusters + 10 bulk projects and the demo's 2 + 40 bulk paths and the demo's.
    const docs = Number(match![1]);
    expect(docs).toBeGreaterThanOrEqual(30 + 2 + 12 + 40);
    expect(docs).toBeLessThan(30 + 2 + 12 + 40 + 20);
    expect(Number(match![3])).toBeGreaterThan(0);
  });
});
