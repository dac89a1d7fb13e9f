#!/usr/bin/env node
// Starts the sandbox, the backend and the frontend together, with prefixed logs; Ctrl-C stops all.
//
//   yarn start              fixed ports: portal http://localhost:3000, backend 7007, sandbox 7441-7443
//                           (Kubernetes), 7451 (GCP), 7481 (GitLab), 7491 (Vault), 7492 (Teleport) and 7493 (OIDC sign-in)
//   yarn start --ephemeral  ports chosen at run time and a throw-away state folder (the e2e tests);
//                           prints `GROUNDCREW_READY <app url> <backend url> <sandbox state dir>` once
//                           everything answers.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ephemeral = process.argv.includes('--ephemeral');
const colors = { sandbox: 35, backend: 36, app: 33, start: 32 };

function log(name, line) {
  const tag = process.stdout.isTTY
    ? `\x1b[${colors[name]}m[${name}]\x1b[0m`
    : `[${name}]`;
  process.stdout.write(`${tag} ${line}\n`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `port` when nothing listens on it, else one chosen at run time. */
async function portOrFree(port) {
  return new Promise(resolve => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => freePort().then(resolve));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
}

async function waitForPort(port, what, child, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `${what} exited with code ${child.exitCode} before it was ready`,
      );
    }
    const open = await new Promise(resolve => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(r => setTimeout(r, 300));
  }
  throw new Error(
    `${what} did not open port ${port} within ${timeoutMs / 1000}s`,
  );
}

async function waitForHttp(url, what, child, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `${what} exited with code ${child.exitCode} before it was ready`,
      );
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000}s`);
}

const children = [];
let stopping = false;

function run(name, args, options = {}) {
  const child = spawn(path.join(root, 'tools/yarn'), args, {
    cwd: root,
    env: {
      ...process.env,
      FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stopping it stops its children too
  });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.on('data', chunk => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) log(name, line);
    });
  }
  child.on('exit', code => {
    if (!stopping) {
      log('start', `${name} exited with code ${code}; stopping everything`);
      stop(code || 1);
    }
  });
  return child;
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  const force = setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(code);
  }, 5000);
  force.unref();
  Promise.all(
    children.map(c =>
      c.exitCode === null ? new Promise(r => c.once('exit', r)) : null,
    ),
  ).then(() => {
    if (ephemeral && stateDir)
      rmSync(stateDir, { recursive: true, force: true });
    process.exit(code);
  });
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

function checkMkdocs() {
  if (spawnSync('mkdocs', ['--version'], { stdio: 'ignore' }).status === 0)
    return;
  log(
    'start',
    'mkdocs is not installed: TechDocs pages will show a build error. Install it with ' +
      '`apt-get install -y mkdocs mkdocs-material` (see docs/getting-started.md).',
  );
}

let stateDir;

let sandboxDir;

async function main() {
  checkMkdocs();
  let ports;
  let configArgs = [];
  sandboxDir = path.join(root, '.sandbox');
  if (ephemeral) {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'groundcrew-'));
    sandboxDir = path.join(stateDir, 'sandbox');
    ports = {
      app: await freePort(),
      backend: await freePort(),
      kube: [await freePort(), await freePort(), await freePort()],
      kubeControl: [await freePort(), await freePort(), await freePort()],
      gcp: await freePort(),
      gcpControl: await freePort(),
      // Clusters created through the GCP imitation (the GKE template): not the fixed 7461-7480 of
      // `yarn start`, which a portal running beside this one may be using.
      gcpClusters: [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ],
      // GitLab keeps its fixed port when it is free: the Runway template's repository picker
      // offers the host 127.0.0.1:7481 (a template cannot read config). Beside a running
      // `yarn start` it gets another port, and that template cannot publish there.
      gitlab: await portOrFree(7481),
      gitlabControl: await freePort(),
      // The sandbox's OpenID Connect provider: its issuer (http://127.0.0.1:<port>) is in every ID
      // token, so the metadata URL below must name the same port.
      oidc: await freePort(),
      oidcControl: await freePort(),
      vault: await freePort(),
      vaultControl: await freePort(),
      teleport: await freePort(),
      teleportControl: await freePort(),
    };
    if (ports.gitlab !== 7481) {
      log(
        'start',
        `port 7481 is in use: the GitLab imitation listens on ${ports.gitlab}, which the Runway template's repository picker does not offer`,
      );
    }
    const appUrl = `http://localhost:${ports.app}`;
    const backendUrl = `http://localhost:${ports.backend}`;
    const configFile = path.join(stateDir, 'app-config.ephemeral.json');
    const base = {
      caFile: path.join(sandboxDir, 'ca.crt'),
      credential: 'sandbox',
    };
    writeFileSync(
      configFile,
      JSON.stringify({
        app: { baseUrl: appUrl },
        backend: {
          baseUrl: backendUrl,
          listen: { port: ports.backend, host: '127.0.0.1' },
          cors: { origin: appUrl },
          database: {
            client: 'better-sqlite3',
            connection: { directory: path.join(stateDir, 'db') },
          },
        },
        auth: {
          providers: {
            oidc: {
              development: {
                metadataUrl: `http://127.0.0.1:${ports.oidc}/.well-known/openid-configuration`,
              },
            },
          },
        },
        techdocs: {
          publisher: {
            type: 'local',
            local: { publishDirectory: path.join(stateDir, 'techdocs') },
          },
        },
        integrations: {
          gitlab: [
            {
              host: `127.0.0.1:${ports.gitlab}`,
              apiBaseUrl: `http://127.0.0.1:${ports.gitlab}/api/v4`,
              baseUrl: `http://127.0.0.1:${ports.gitlab}`,
              token: 'groundcrew-sandbox-gitlab-token',
            },
          ],
        },
        groundcrew: {
          teleport: {
            address: `127.0.0.1:${ports.teleport}`,
            identityFile: path.join(sandboxDir, 'teleport', 'identity'),
          },
          vault: {
            endpoint: `https://127.0.0.1:${ports.vault}`,
            caFile: path.join(sandboxDir, 'ca.crt'),
          },
          gcp: {
            endpoint: `https://127.0.0.1:${ports.gcp}`,
            caFile: path.join(sandboxDir, 'ca.crt'),
          },
          kubernetes: {
            clusters: [
              {
                name: 'gke-prod-us-east1',
                url: `https://127.0.0.1:${ports.kube[0]}`,
                labels: {
                  environment: 'production',
                  region: 'us-east1',
                  class: 'pet',
                },
                ...base,
              },
              {
                name: 'gke-prod-europe-west1',
                url: `https://127.0.0.1:${ports.kube[1]}`,
                labels: {
                  environment: 'production',
                  region: 'europe-west1',
                  class: 'pet',
                },
                ...base,
              },
              {
                name: 'gke-ops',
                url: `https://127.0.0.1:${ports.kube[2]}`,
                labels: {
                  environment: 'ops',
                  region: 'us-central1',
                  class: 'snowflake',
                },
                ...base,
              },
            ],
          },
        },
      }),
    );
    configArgs = [
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      configFile,
    ];
  } else {
    ports = {
      app: 3000,
      backend: 7007,
      kube: [7441, 7442, 7443],
      kubeControl: [7541, 7542, 7543],
      gcp: 7451,
      gcpControl: 7551,
      gcpClusters: [], // the sandbox's default, 7461-7480
      gitlab: 7481,
      gitlabControl: 7581,
      oidc: 7493,
      oidcControl: 7593,
      vault: 7491,
      vaultControl: 7591,
      teleport: 7492,
      teleportControl: 7592,
    };
    mkdirSync(path.join(root, '.groundcrew'), { recursive: true });
  }

  const sandbox = run(
    'sandbox',
    ['workspace', '@groundcrew/sandbox', 'start'],
    {
      env: {
        SANDBOX_STATE_DIR: sandboxDir,
        SANDBOX_K8S_PORTS: ports.kube.join(','),
        SANDBOX_K8S_CONTROL_PORTS: ports.kubeControl.join(','),
        SANDBOX_GCP_PORT: String(ports.gcp),
        SANDBOX_GCP_CONTROL_PORT: String(ports.gcpControl),
        SANDBOX_GITLAB_PORT: String(ports.gitlab),
        SANDBOX_GITLAB_CONTROL_PORT: String(ports.gitlabControl),
        SANDBOX_OIDC_PORT: String(ports.oidc),
        SANDBOX_OIDC_CONTROL_PORT: String(ports.oidcControl),
        SANDBOX_VAULT_PORT: String(ports.vault),
        SANDBOX_VAULT_CONTROL_PORT: String(ports.vaultControl),
        SANDBOX_TELEPORT_PORT: String(ports.teleport),
        SANDBOX_TELEPORT_CONTROL_PORT: String(ports.teleportControl),
        ...(ports.gcpClusters.length && {
          SANDBOX_GCP_CLUSTER_PORTS: ports.gcpClusters.join(','),
        }),
      },
    },
  );
  await waitForPort(ports.kube[2], 'the sandbox', sandbox);
  await waitForPort(ports.gcp, 'the sandbox (GCP)', sandbox);
  await waitForPort(ports.gitlab, 'the sandbox (GitLab)', sandbox);
  await waitForPort(ports.oidc, 'the sandbox (OIDC)', sandbox);
  await waitForPort(ports.vault, 'the sandbox (Vault)', sandbox);
  await waitForPort(ports.teleport, 'the sandbox (Teleport)', sandbox);
  if (!existsSync(path.join(sandboxDir, 'ca.crt'))) {
    throw new Error(
      `the sandbox did not write ${path.join(sandboxDir, 'ca.crt')}`,
    );
  }

  const backend = run('backend', [
    'workspace',
    'backend',
    'start',
    ...configArgs,
  ]);
  const app = run('app', ['workspace', 'app', 'start', ...configArgs]);
  await waitForHttp(
    `http://127.0.0.1:${ports.backend}/.backstage/health/v1/readiness`,
    'the backend',
    backend,
  );
  await waitForHttp(`http://127.0.0.1:${ports.app}/`, 'the app', app);
  const appUrl = `http://localhost:${ports.app}`;
  log(
    'start',
    `Groundcrew is up: ${appUrl} (backend http://localhost:${ports.backend})`,
  );
  if (ephemeral) {
    process.stdout.write(
      `GROUNDCREW_READY ${appUrl} http://localhost:${ports.backend} ${sandboxDir}\n`,
    );
  }
}

main().catch(error => {
  log('start', `failed: ${error.message}`);
  stop(1);
});
