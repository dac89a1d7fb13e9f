import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** A kubeconfig with one context per cluster (CA embedded, bearer token). */
export function kubeconfigYaml(opts: {
  caPem: string;
  clusters: Array<{ name: string; url: string; token: string }>;
  currentContext?: string;
}): string {
  const ca = Buffer.from(opts.caPem).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: opts.clusters.map(c => ({
      name: c.name,
      cluster: { server: c.url, 'certificate-authority-data': ca },
    })),
    users: opts.clusters.map(c => ({
      name: `${c.name}-admin`,
      user: { token: c.token },
    })),
    contexts: opts.clusters.map(c => ({
      name: c.name,
      context: { cluster: c.name, user: `${c.name}-admin` },
    })),
    'current-context': opts.currentContext ?? opts.clusters[0]?.name ?? '',
  });
}

export function writeKubeconfig(
  file: string,
  opts: Parameters<typeof kubeconfigYaml>[0],
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, kubeconfigYaml(opts), { mode: 0o600 });
}

/**
 * Options for `KubeConfig.loadFromOptions` of @kubernetes/client-node that
 * point at one sandbox cluster (plain data: this package does not depend on the client).
 */
export function kubeConfigOptions(
  sandbox: {
    kubernetes: {
      caPem: string;
      clusters: Array<{ name: string; url: string; token: string }>;
    };
  },
  clusterName?: string,
  opts: { token?: string } = {},
) {
  const cluster = clusterName
    ? sandbox.kubernetes.clusters.find(c => c.name === clusterName)
    : sandbox.kubernetes.clusters[0];
  if (!cluster) throw new Error(`no sandbox cluster named ${clusterName}`);
  return {
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: Buffer.from(sandbox.kubernetes.caPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [
      { name: `${cluster.name}-admin`, token: opts.token ?? cluster.token },
    ],
    contexts: [
      {
        name: cluster.name,
        cluster: cluster.name,
        user: `${cluster.name}-admin`,
      },
    ],
    currentContext: cluster.name,
  };
}

/**
 * The sandbox's clusters as `groundcrew.kubernetes.clusters` config entries (CA and token inline),
 * for tests and benchmarks that start a backend against the sandbox.
 */
export function fleetClustersConfig(
  sandbox: {
    kubernetes: {
      caPem: string;
      clusters: Array<{
        name: string;
        url: string;
        token: string;
        labels: Record<string, string>;
      }>;
    };
  },
  names?: string[],
) {
  return sandbox.kubernetes.clusters
    .filter(c => !names || names.includes(c.name))
    .map(c => ({
      name: c.name,
      url: c.url,
      caData: sandbox.kubernetes.caPem,
      token: c.token,
      labels: c.labels,
    }));
}
