/*
 * Starts the demo sandbox on fixed ports and writes a kubeconfig for it:
 *
 *   yarn workspace @groundcrew/sandbox start
 *   KUBECONFIG=.sandbox/kubeconfig kubectl --context gke-ops get pods -A -w
 *
 * Environment overrides:
 *   SANDBOX_STATE_DIR            default <repo>/.sandbox
 *   SANDBOX_K8S_PORTS            default 7441,7442,7443
 *   SANDBOX_K8S_CONTROL_PORTS    default 7541,7542,7543
 *   SANDBOX_PODS_PER_CLUSTER     synthetic pods per cluster on top of the demo (default 0)
 *   SANDBOX_K8S_TOKEN            the bearer token every cluster accepts (default: the demo token
 *                                that app-config.yaml names, groundcrew-sandbox-token)
 *   SANDBOX_GCP_PORT             default 7451
 *   SANDBOX_GCP_CONTROL_PORT     default 7551
 *   SANDBOX_GCP_TOKEN            the demo principal's bearer token (default groundcrew-sandbox-gcp-token)
 *   SANDBOX_GCP_CLUSTER_PORTS    ports for clusters created through GCP, e.g. 7461-7480 (the default)
 *   SANDBOX_GITLAB_PORT          default 7481 (plain HTTP: API under /api/v4, git smart HTTP)
 *   SANDBOX_GITLAB_CONTROL_PORT  default 7581
 *   SANDBOX_GITLAB_TOKEN         groundcrew-bot's personal access token (default
 *                                groundcrew-sandbox-gitlab-token, which app-config.yaml names)
 *   SANDBOX_OIDC_PORT            default 7493 (plain HTTP: the issuer is http://127.0.0.1:<port>)
 *   SANDBOX_OIDC_CONTROL_PORT    default 7593
 *   SANDBOX_VAULT_PORT           default 7491 (HTTPS, sandbox CA)
 *   SANDBOX_VAULT_CONTROL_PORT   default 7591
 *   SANDBOX_VAULT_TOKEN          the portal's token (default groundcrew-sandbox-vault-token, which
 *                                app-config.yaml names; policy groundcrew-portal, metadata only)
 *   SANDBOX_TELEPORT_PORT        default 7492 (gRPC, mutual TLS with the Teleport cluster CA; the
 *                                portal's identity file is written to <state dir>/teleport/identity)
 *   SANDBOX_TELEPORT_CONTROL_PORT default 7592
 *
 * Clusters created through GCP join the kubeconfig and clusters.json when they come up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeKubeconfig } from './kubeconfig';
import { DEMO_GCP_TOKEN } from './gcp/demo';
import { DEMO_VAULT_TOKEN } from './vault/demo';
import { DEMO_GITLAB_TOKEN } from './gitlab/demo';
import { Sandbox, startSandbox } from './sandbox';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).workspaces) return dir;
      } catch {
        // Not JSON we can read; keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

function ports(env: string | undefined, fallback: number[]): number[] {
  if (!env) return fallback;
  const list = env.split(',').map(s => Number(s.trim()));
  if (list.some(n => !Number.isInteger(n) || n < 0 || n > 65535)) {
    throw new Error(`invalid port list "${env}"`);
  }
  return list;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** A port list (`7461,7462`) or range (`7461-7480`). */
function portRange(env: string | undefined, fallback: number[]): number[] {
  const r = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(env ?? '');
  if (!r) return ports(env, fallback);
  const list = range(Number(r[1]), Number(r[2]));
  if (list.length === 0 || list[list.length - 1] > 65535) {
    throw new Error(`invalid port range "${env}"`);
  }
  return list;
}

function port(env: string | undefined, fallback: number): number {
  return ports(env, [fallback])[0];
}

/** Writes the kubeconfig and clusters.json: every endpoint, control URL and credential. */
function writeStateFiles(sandbox: Sandbox, stateDir: string) {
  const { caPem, clusters } = sandbox.kubernetes;
  writeKubeconfig(path.join(stateDir, 'kubeconfig'), { caPem, clusters });
  fs.writeFileSync(path.join(stateDir, 'ca.crt'), caPem);
  const gcp = sandbox.gcp && {
    url: sandbox.gcp.url,
    controlUrl: sandbox.gcp.controlUrl,
    token: sandbox.gcp.token,
    principal: sandbox.gcp.principal,
  };
  const gitlab = sandbox.gitlab && {
    url: sandbox.gitlab.url,
    apiBaseUrl: sandbox.gitlab.apiBaseUrl,
    controlUrl: sandbox.gitlab.controlUrl,
    token: sandbox.gitlab.token,
  };
  const oidc = sandbox.oidc && {
    issuer: sandbox.oidc.issuer,
    metadataUrl: sandbox.oidc.metadataUrl,
    controlUrl: sandbox.oidc.controlUrl,
    clientId: sandbox.oidc.clientId,
    clientSecret: sandbox.oidc.clientSecret,
    users: sandbox.oidc.users.map(u => u.email),
  };
  const vault = sandbox.vault && {
    url: sandbox.vault.url,
    controlUrl: sandbox.vault.controlUrl,
    token: sandbox.vault.token,
    rootToken: sandbox.vault.rootToken,
  };
  const teleport = sandbox.teleport && {
    address: sandbox.teleport.address,
    controlUrl: sandbox.teleport.controlUrl,
    serverName: sandbox.teleport.serverName,
    identityFile: sandbox.teleport.identityFile,
  };
  fs.writeFileSync(
    path.join(stateDir, 'clusters.json'),
    `${JSON.stringify(
      {
        caFile: path.join(stateDir, 'ca.crt'),
        kubernetes: clusters,
        ...(gcp ? { gcp } : {}),
        ...(gitlab ? { gitlab } : {}),
        ...(oidc ? { oidc } : {}),
        ...(vault ? { vault } : {}),
        ...(teleport ? { teleport } : {}),
      },
      null,
      2,
    )}\n`,
    { mode: 0o600 },
  );
}

function clusterLine(c: Sandbox['kubernetes']['clusters'][number]): string {
  const labels = Object.entries(c.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `sandbox kubernetes ${c.name.padEnd(22)} ${c.url}  control ${
    c.controlUrl
  }  [${labels}]\n`;
}

async function main() {
  // `yarn workspace … start` runs in the package directory; the repo root is above it.
  const root = findRepoRoot(process.cwd());
  const stateDir = path.resolve(
    process.env.SANDBOX_STATE_DIR ?? path.join(root, '.sandbox'),
  );
  const sandbox = await startSandbox({
    stateDir,
    ports: {
      kubernetes: ports(process.env.SANDBOX_K8S_PORTS, [7441, 7442, 7443]),
      kubernetesControl: ports(
        process.env.SANDBOX_K8S_CONTROL_PORTS,
        [7541, 7542, 7543],
      ),
    },
    podsPerCluster:
      Number(process.env.SANDBOX_PODS_PER_CLUSTER ?? 0) || undefined,
    // Set but empty: random per-cluster tokens (kept in tokens.json).
    token:
      process.env.SANDBOX_K8S_TOKEN === ''
        ? undefined
        : process.env.SANDBOX_K8S_TOKEN ?? 'groundcrew-sandbox-token',
    gcp: {
      port: port(process.env.SANDBOX_GCP_PORT, 7451),
      controlPort: port(process.env.SANDBOX_GCP_CONTROL_PORT, 7551),
      token: process.env.SANDBOX_GCP_TOKEN || DEMO_GCP_TOKEN,
      clusterPorts: portRange(
        process.env.SANDBOX_GCP_CLUSTER_PORTS,
        range(7461, 7480),
      ),
    },
    gitlab: {
      port: port(process.env.SANDBOX_GITLAB_PORT, 7481),
      controlPort: port(process.env.SANDBOX_GITLAB_CONTROL_PORT, 7581),
      token: process.env.SANDBOX_GITLAB_TOKEN || DEMO_GITLAB_TOKEN,
    },
    oidc: {
      port: port(process.env.SANDBOX_OIDC_PORT, 7493),
      controlPort: port(process.env.SANDBOX_OIDC_CONTROL_PORT, 7593),
    },
    vault: {
      port: port(process.env.SANDBOX_VAULT_PORT, 7491),
      controlPort: port(process.env.SANDBOX_VAULT_CONTROL_PORT, 7591),
      token: process.env.SANDBOX_VAULT_TOKEN || DEMO_VAULT_TOKEN,
    },
    teleport: {
      port: port(process.env.SANDBOX_TELEPORT_PORT, 7492),
      controlPort: port(process.env.SANDBOX_TELEPORT_CONTROL_PORT, 7592),
    },
  });
  const { clusters } = sandbox.kubernetes;
  const kubeconfig = path.join(stateDir, 'kubeconfig');
  writeStateFiles(sandbox, stateDir);
  const rel = path.relative(root, kubeconfig) || kubeconfig;
  for (const c of clusters) process.stdout.write(clusterLine(c));
  if (sandbox.gcp) {
    process.stdout.write(
      `sandbox gcp        ${'projects,billing,gke'.padEnd(22)} ${
        sandbox.gcp.url
      }  control ${sandbox.gcp.controlUrl}  [${sandbox.gcp.principal}]\n`,
    );
  }
  if (sandbox.gitlab) {
    process.stdout.write(
      `sandbox gitlab     ${'api/v4,git'.padEnd(22)} ${
        sandbox.gitlab.url
      }  control ${sandbox.gitlab.controlUrl}  [groundcrew-bot]\n`,
    );
  }
  if (sandbox.oidc) {
    process.stdout.write(
      `sandbox oidc       ${'openid-connect'.padEnd(22)} ${
        sandbox.oidc.issuer
      }  control ${sandbox.oidc.controlUrl}  [${sandbox.oidc.users
        .map(u => u.sub)
        .join(',')}]\n`,
    );
  }
  if (sandbox.vault) {
    process.stdout.write(
      `sandbox vault      ${'kv2,leases,auth'.padEnd(22)} ${
        sandbox.vault.url
      }  control ${sandbox.vault.controlUrl}  [groundcrew-portal]\n`,
    );
  }
  if (sandbox.teleport) {
    process.stdout.write(
      `sandbox teleport   ${'auth grpc (mtls)'.padEnd(22)} ${
        sandbox.teleport.address
      }  control ${sandbox.teleport.controlUrl}  [groundcrew-portal]\n`,
    );
  }
  let known = new Set(clusters.map(c => c.name));
  sandbox.onClustersChanged(() => {
    writeStateFiles(sandbox, stateDir);
    const now = new Set(sandbox.kubernetes.clusters.map(c => c.name));
    for (const c of sandbox.kubernetes.clusters) {
      if (!known.has(c.name)) process.stdout.write(clusterLine(c));
    }
    for (const name of known) {
      if (!now.has(name)) {
        process.stdout.write(`sandbox kubernetes ${name.padEnd(22)} stopped\n`);
      }
    }
    known = now;
  });
  process.stdout.write(`sandbox kubeconfig written to ${kubeconfig}\n`);
  process.stdout.write(
    `  try (from ${root}): KUBECONFIG=${rel} kubectl --context ${clusters[0]?.name} get pods -A\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`sandbox stopping (${signal})\n`);
    sandbox.stop().then(
      () => process.exit(0),
      e => {
        process.stderr.write(
          `sandbox failed to stop cleanly: ${(e as Error).message}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch(e => {
  process.stderr.write(`sandbox failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
