import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import http from 'node:http';
import yaml from 'yaml';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { timedRequest } from './http';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** USER_HZ: the unit of CPU times in /proc on Linux. */
const CLOCK_TICKS = 100;

export interface BackendProcess {
  name: string;
  pid: number;
  baseUrl: string;
  logFile: string;
  /** CPU time (user + system) the process used so far, in seconds, from /proc/<pid>/stat. */
  cpuSeconds(): number;
  /** VmRSS and VmHWM of the process, in MiB, from /proc/<pid>/status. */
  memory(): { rssMb: number; peakMb: number };
  /**
   * `process.memoryUsage()` of the process, in MiB, asked over the IPC channel; with
   * `collectGarbage` (and the process started with --expose-gc) after a full collection.
   */
  heap(options?: {
    collectGarbage?: boolean;
  }): Promise<{ heapUsedMb: number; heapTotalMb: number; externalMb: number }>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
  /** Resolves when the process exited. */
  exited: Promise<number | null>;
  /** True once `stop()` was called: an exit after it is no failure. */
  readonly stopping: boolean;
  stop(): Promise<void>;
}

function readStatusKb(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * Starts a backend entry file as a child process with its own config file, and waits until its
 * readiness endpoint answers.
 */
export async function startBackendProcess(options: {
  name: string;
  /** The entry file, absolute; Node runs it with `nodeArgs`, from this package's directory. */
  entry: string;
  /** The whole app-config of the process; `backend.listen.port` is its port. */
  config: Record<string, unknown>;
  port: number;
  workDir: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  readyTimeoutMs: number;
}): Promise<BackendProcess> {
  const packageDir = resolvePackagePath('@groundcrew/bench');
  const configFile = path.join(
    options.workDir,
    `${options.name}.app-config.yaml`,
  );
  fs.writeFileSync(configFile, yaml.stringify(options.config), { mode: 0o600 });
  const logFile = path.join(options.workDir, `${options.name}.log`);
  const log = fs.openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.entry, '--config', configFile],
    {
      cwd: packageDir,
      // The log goes straight to a file: the bench process spends no time on it.
      stdio: ['ignore', log, log, 'ipc'],
      // Without BACKSTAGE_CLI_CHANNEL the backend does not take our IPC channel for the CLI's.
      env: {
        ...process.env,
        ...options.env,
        NODE_ENV: 'production',
        BACKSTAGE_CLI_CHANNEL: '',
      },
    },
  );
  fs.closeSync(log);
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });

  const baseUrl = `http://127.0.0.1:${options.port}`;
  const logTail = (lines = 30) => {
    try {
      return fs
        .readFileSync(logFile, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  };
  let stopping = false;
  const stop = async () => {
    stopping = true;
    if (hasExited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const backend: BackendProcess = {
    name: options.name,
    pid: child.pid!,
    baseUrl,
    logFile,
    cpuSeconds() {
      // Fields after the command name (which may hold spaces): utime and stime are 12th and 13th.
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    memory() {
      return {
        rssMb: readStatusKb(child.pid!, 'VmRSS') / 1024,
        peakMb: readStatusKb(child.pid!, 'VmHWM') / 1024,
      };
    },
    heap(heapOptions = {}) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`backend "${options.name}" did not report its memory`),
            ),
          5_000,
        );
        // Backstage's own dev utilities talk over the same channel: take only our answer.
        const onMessage = (message: unknown) => {
          const usage = (message as { memoryUsage?: NodeJS.MemoryUsage } | null)
            ?.memoryUsage;
          if (!usage) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          const mb = (n: number) => n / 1024 / 1024;
          resolve({
            heapUsedMb: mb(usage.heapUsed),
            heapTotalMb: mb(usage.heapTotal),
            externalMb: mb(usage.external + usage.arrayBuffers),
          });
        };
        child.on('message', onMessage);
        child.send({
          type: 'bench.memoryUsage',
          collectGarbage: heapOptions.collectGarbage ?? false,
        });
      });
    },
    logTail,
    exited,
    get stopping() {
      return stopping;
    },
    stop,
  };

  const agent = new http.Agent({ keepAlive: false });
  const deadline = Date.now() + options.readyTimeoutMs;
  try {
    for (;;) {
      if (hasExited) {
        throw new Error(
          `backend "${
            options.name
          }" exited during start-up; its log (${logFile}) ends:\n${logTail()}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `backend "${options.name}" was not ready within ${
            options.readyTimeoutMs / 1000
          } s; its log (${logFile}) ends:\n${logTail()}`,
        );
      }
      const ready = await timedRequest({
        url: `${baseUrl}/.backstage/health/v1/readiness`,
        agent,
        timeoutMs: 2_000,
      }).catch(() => undefined);
      if (ready?.status === 200) return backend;
      await new Promise(r => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    agent.destroy();
  }
}
