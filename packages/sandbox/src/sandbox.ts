import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SandboxControl } from './control';
import { loadOrCreateTlsMaterial } from './framework/tls';
import { DEMO_CLUSTERS, demoFixture } from './demo/demoFixture';
import { KubernetesServer, KubernetesTimings } from './kubernetes/server';
import { syntheticFixture } from './kubernetes/workloads';
import type { KubeObject } from './kubernetes/types';

export interface SandboxClusterSpec {
  name: string;
  labels?: Record<string, string>;
}

export interface StartSandboxOptions {
  /** A number of clusters (`cluster-0`, …) or their names and labels. Default: the three demo clusters. */
  clusters?: number | SandboxClusterSpec[];
  /** Synthetic ready pods per cluster, spread over `servicesPerCluster` services. */
  podsPerCluster?: number;
  /** Services the synthetic pods are spread over (default 10). */
  servicesPerCluster?: number;
  /** Load the demo data (default: true when `clusters` is not given). */
  demo?: boolean;
  /** Fixed ports, one per cluster in order; otherwise chosen at run time. */
  ports?: { kubernetes?: number[]; kubernetesControl?: number[] };
  /** Directory to persist the CA, server certificate and tokens in. */
  stateDir?: string;
  /** Controller and watch timings (small in tests). */
  timings?: Partial<KubernetesTimings>;
  /** Events kept for watches from a resourceVersion (default 10,000). */
  watchHistorySize?: number;
  /** Extra objects loaded into every cluster. */
  objects?: unknown[];
  /** One bearer token for every cluster (the embedded default's config names it); random otherwise. */
  token?: string;
}

export interface SandboxCluster {
  name: string;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The bearer token the cluster accepts. */
  token: string;
  labels: Record<string, string>;
  /** Base URL of the control listener (stays up while the cluster is down). */
  controlUrl: string;
}

export interface Sandbox {
  kubernetes: {
    /** PEM of the CA that signed every server certificate. */
    caPem: string;
    clusters: SandboxCluster[];
  };
  /** Control API clients, by cluster name. */
  control: Record<string, SandboxControl>;
  /** The servers themselves, for in-process use (benchmarks). */
  servers: Record<string, KubernetesServer>;
  stop(): Promise<void>;
}

function loadTokens(stateDir: string | undefined): Record<string, string> {
  if (!stateDir) return {};
  try {
    return JSON.parse(
      fs.readFileSync(path.join(stateDir, 'tokens.json'), 'utf8'),
    );
  } catch {
    return {};
  }
}

function dedupe(objects: KubeObject[]): KubeObject[] {
  const seen = new Map<string, KubeObject>();
  for (const o of objects) {
    seen.set(
      `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${
        o.metadata?.name
      }`,
      o,
    );
  }
  return [...seen.values()];
}

function clusterSpecs(
  clusters: StartSandboxOptions['clusters'],
): SandboxClusterSpec[] {
  if (clusters === undefined) return DEMO_CLUSTERS;
  if (typeof clusters === 'number') {
    return Array.from({ length: clusters }, (_, i) => ({
      name: `cluster-${i}`,
    }));
  }
  return clusters;
}

/** Starts one imitation kube-apiserver per cluster, with demo and/or synthetic data. */
export async function startSandbox(
  options: StartSandboxOptions = {},
): Promise<Sandbox> {
  const specs = clusterSpecs(options.clusters);
  const demo = options.demo ?? options.clusters === undefined;
  const tls = loadOrCreateTlsMaterial(options.stateDir);
  const tokens = loadTokens(options.stateDir);

  const servers: KubernetesServer[] = specs.map((spec, i) => {
    const token =
      options.token ??
      (tokens[spec.name] ??= `sandbox-${randomBytes(18).toString(
        'base64url',
      )}`);
    const server = new KubernetesServer({
      name: spec.name,
      token,
      tls,
      port: options.ports?.kubernetes?.[i],
      controlPort: options.ports?.kubernetesControl?.[i],
      historySize: options.watchHistorySize,
      timings: options.timings,
    });
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kube-system' },
      },
      ...(demo ? demoFixture(spec.name) : []),
      ...(options.podsPerCluster
        ? syntheticFixture({
            cluster: spec.name,
            pods: options.podsPerCluster,
            services: options.servicesPerCluster,
          })
        : []),
      ...((options.objects ?? []) as KubeObject[]),
    ];
    server.setFixture(dedupe(objects));
    return server;
  });
  if (options.stateDir) {
    fs.mkdirSync(options.stateDir, { recursive: true });
    fs.writeFileSync(
      path.join(options.stateDir, 'tokens.json'),
      `${JSON.stringify(tokens, null, 2)}\n`,
      { mode: 0o600 },
    );
  }

  const started: KubernetesServer[] = [];
  try {
    for (const s of servers) {
      await s.start();
      started.push(s);
    }
  } catch (e) {
    await Promise.all(started.map(s => s.stop()));
    throw e;
  }

  const clusters = servers.map((s, i) => ({
    name: s.name,
    url: s.url,
    token: s.token,
    labels: specs[i].labels ?? {},
    controlUrl: s.http.controlUrl,
  }));
  let stopped = false;
  return {
    kubernetes: { caPem: tls.caPem, clusters },
    control: Object.fromEntries(
      clusters.map(c => [
        c.name,
        new SandboxControl({ url: c.controlUrl, caPem: tls.caPem }),
      ]),
    ),
    servers: Object.fromEntries(servers.map(s => [s.name, s])),
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(servers.map(s => s.stop()));
    },
  };
}
