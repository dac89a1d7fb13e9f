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
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeKubeconfig } from './kubeconfig';
import { startSandbox } from './sandbox';

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
  });
  const { caPem, clusters } = sandbox.kubernetes;
  const kubeconfig = path.join(stateDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { caPem, clusters });
  fs.writeFileSync(path.join(stateDir, 'ca.crt'), caPem);
  fs.writeFileSync(
    path.join(stateDir, 'clusters.json'),
    `${JSON.stringify(
      { caFile: path.join(stateDir, 'ca.crt'), kubernetes: clusters },
      null,
      2,
    )}\n`,
    { mode: 0o600 },
  );
  const rel = path.relative(root, kubeconfig) || kubeconfig;
  for (const c of clusters) {
    const labels = Object.entries(c.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    process.stdout.write(
      `sandbox kubernetes ${c.name.padEnd(22)} ${c.url}  control ${
        c.controlUrl
      }  [${labels}]\n`,
    );
  }
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
