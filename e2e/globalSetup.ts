import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Starts the whole portal the way the README's first command does, but on ports chosen at run time;
 * returns the teardown that stops it. Tests read the URLs from GROUNDCREW_E2E_APP_URL and
 * GROUNDCREW_E2E_BACKEND_URL, and the sandbox's state (clusters.json, ca.crt) from
 * GROUNDCREW_E2E_SANDBOX_DIR.
 */
export default async function globalSetup() {
  const root = path.resolve(__dirname, '..');
  const child = spawn(process.execPath, ['scripts/start.mjs', '--ephemeral'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The last lines the portal printed: the reason, when it stops before it is ready.
  const lastLines: string[] = [];
  const failure = (what: string) =>
    new Error(`${what}; its last lines:\n${lastLines.join('\n')}`);
  const ready = await new Promise<string[]>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(failure('the portal did not start within 6 minutes')),
      360_000,
    );
    child.stdout!.on('data', chunk => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (process.env.GROUNDCREW_E2E_VERBOSE)
          process.stdout.write(`${line}\n`);
        lastLines.push(line);
        if (lastLines.length > 40) lastLines.shift();
        const match = line.match(/^GROUNDCREW_READY (\S+) (\S+) (\S+)$/);
        if (match) {
          clearTimeout(timer);
          resolve([match[1], match[2], match[3]]);
        }
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(failure(`scripts/start.mjs exited with code ${code}`));
    });
  });
  process.env.GROUNDCREW_E2E_APP_URL = ready[0];
  process.env.GROUNDCREW_E2E_BACKEND_URL = ready[1];
  process.env.GROUNDCREW_E2E_SANDBOX_DIR = ready[2];
  child.stdout!.resume();
  return async () => {
    child.kill('SIGTERM');
    await new Promise(resolve => child.once('exit', resolve));
  };
}
