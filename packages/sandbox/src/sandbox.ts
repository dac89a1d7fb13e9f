import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SandboxControl } from './control';
import { loadOrCreateTlsMaterial, TlsMaterial } from './framework/tls';
import { DEMO_CLUSTERS, demoFixture } from './demo/demoFixture';
import type { GcpClusterHost } from './gcp/api';
import { GcpControl } from './gcp/control';
import { DEMO_GCP_PRINCIPAL, gcpDemoFixture } from './gcp/demo';
import type { GcpTimings } from './gcp/operations';
import { GcpServer } from './gcp/server';
import { GitlabControl } from './gitlab/control';
import { DEMO_GITLAB_TOKEN } from './gitlab/demo';
import { GitlabServer } from './gitlab/server';
import type { GitlabFixture } from './gitlab/types';
import { OidcControl } from './oidc/control';
import { DEMO_OIDC_CLIENT_ID, DEMO_OIDC_CLIENT_SECRET } from './oidc/demo';
import { OidcServer } from './oidc/server';
import type { OidcTimings, OidcUser } from './oidc/store';
import type { GcpFixture } from './gcp/types';
import { KubernetesServer, KubernetesTimings } from './kubernetes/server';
import { syntheticFixture } from './kubernetes/workloads';
import type { KubeObject } from './kubernetes/types';
import { TeleportControl } from './teleport/control';
import { DEMO_TELEPORT_BOT, teleportDemoFixture } from './teleport/demo';
import { TeleportServer } from './teleport/server';
import type { TeleportFixture } from './teleport/types';
import { VaultControl } from './vault/control';
import { DEMO_VAULT_ROOT_TOKEN, DEMO_VAULT_TOKEN } from './vault/demo';
import { VaultServer } from './vault/server';
import type { VaultFixture } from './vault/types';

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
  /** The GCP imitation (on by default). */
  gcp?: SandboxGcpOptions;
  /** The GitLab imitation (on by default). */
  gitlab?: SandboxGitlabOptions;
  /** The OpenID Connect provider (on by default). */
  oidc?: SandboxOidcOptions;
  /** The Vault imitation (on by default). */
  vault?: SandboxVaultOptions;
  /** The Teleport imitation (on by default). */
  teleport?: SandboxTeleportOptions;
}

export interface SandboxTeleportOptions {
  /** Default true. */
  enabled?: boolean;
  /** Port of the gRPC (mutual TLS) listener; chosen at run time otherwise. */
  port?: number;
  /** Port of the control listener (HTTPS, sandbox CA); chosen at run time otherwise. */
  controlPort?: number;
  /** Load the demo roles, users and requests (default true). */
  demo?: boolean;
  /** More roles, users and requests, on top of the demo (or alone with `demo: false`). */
  fixture?: TeleportFixture;
  /** The Teleport user of the portal's identity (default `groundcrew-portal`). */
  identityUser?: string;
}

export interface SandboxTeleport {
  /** `127.0.0.1:<port>`: the auth server address (gRPC over mutual TLS). */
  address: string;
  controlUrl: string;
  /** The TLS server name on the auth server's certificate (`teleport.cluster.local`). */
  serverName: string;
  /** PEM of the Teleport cluster CA (it signs the auth server's and the clients' certificates). */
  caPem: string;
  /** The portal's identity, as `tctl auth sign --format=file` writes it. */
  identityFileContent: string;
  /** Where that identity file was written (`<stateDir>/teleport/identity`), with a state dir. */
  identityFile?: string;
  control: TeleportControl;
  /** The server itself, for in-process use. */
  server: TeleportServer;
}

export interface SandboxVaultOptions {
  /** Default true. */
  enabled?: boolean;
  /** Port of the API listener (HTTPS, sandbox CA); chosen at run time otherwise. */
  port?: number;
  /** Port of the control listener; chosen at run time otherwise. */
  controlPort?: number;
  /** The portal's token, policy `groundcrew-portal` (default `groundcrew-sandbox-vault-token`). */
  token?: string;
  /** A root token for tests and seeding (default `groundcrew-sandbox-vault-root`). */
  rootToken?: string;
  /** Load the demo secrets and leases (default true). */
  demo?: boolean;
  /** More records, on top of the demo (or alone with `demo: false`). */
  fixture?: VaultFixture;
}

export interface SandboxVault {
  /** `https://127.0.0.1:<port>`: node-vault's `endpoint`. */
  url: string;
  controlUrl: string;
  /** The portal's token (metadata reads only). */
  token: string;
  /** A root token: for tests and seeding, never for the portal. */
  rootToken: string;
  control: VaultControl;
  /** The server itself, for in-process use. */
  server: VaultServer;
}

export interface SandboxOidcOptions {
  /** Default true. */
  enabled?: boolean;
  /** Port of the plain-HTTP provider (the issuer is `http://127.0.0.1:<port>`); chosen at run time otherwise. */
  port?: number;
  /** Port of the control listener (HTTPS, sandbox CA); chosen at run time otherwise. */
  controlPort?: number;
  /** The client the portal signs in with (default `groundcrew-portal`). */
  clientId?: string;
  /** Its secret (default `groundcrew-sandbox-oidc-secret`, which app-config.yaml names). */
  clientSecret?: string;
  /** Exact redirect URIs of that client; any loopback URI otherwise. */
  redirectUris?: string[];
  /** People on the picker page (default: demo, casey and pat of examples/org.yaml). */
  users?: OidcUser[];
  /** Token, code and request lifetimes (seconds). */
  timings?: Partial<OidcTimings>;
}

export interface SandboxOidc {
  /** `http://127.0.0.1:<port>`: the `iss` of every ID token, exactly. */
  issuer: string;
  /** `<issuer>/.well-known/openid-configuration`: Backstage's `metadataUrl`. */
  metadataUrl: string;
  controlUrl: string;
  clientId: string;
  clientSecret: string;
  users: OidcUser[];
  control: OidcControl;
  /** The server itself, for in-process use. */
  server: OidcServer;
}

export interface SandboxGitlabOptions {
  /** Default true. */
  enabled?: boolean;
  /** Port of the plain-HTTP API and git listener; chosen at run time otherwise. */
  port?: number;
  /** Port of the control listener (HTTPS, sandbox CA); chosen at run time otherwise. */
  controlPort?: number;
  /** The personal access token of user `groundcrew-bot` (default `groundcrew-sandbox-gitlab-token`). */
  token?: string;
  /** Load groups team-ai, team-commerce, platform and project team-ai/ai-gateway (default true). */
  demo?: boolean;
  /** More users, groups and projects, on top of the demo (or alone with `demo: false`). */
  fixture?: GitlabFixture;
}

export interface SandboxGitlab {
  /** `http://127.0.0.1:<port>`: the integration's `baseUrl`; its host (with the port) is the integration's `host`. */
  url: string;
  /** `<url>/api/v4`: the integration's `apiBaseUrl`. */
  apiBaseUrl: string;
  controlUrl: string;
  /** Personal access token of user `groundcrew-bot`. */
  token: string;
  control: GitlabControl;
  /** The server itself, for in-process use. */
  server: GitlabServer;
}

export interface SandboxGcpOptions {
  /** Default true. */
  enabled?: boolean;
  /** Durations of long-running operations (defaults: seconds, so the demo shows progress). */
  timings?: Partial<GcpTimings>;
  /** The demo principal's bearer token; random otherwise. */
  token?: string;
  /** Port of the API listener; chosen at run time otherwise. */
  port?: number;
  /** Port of the control listener; chosen at run time otherwise. */
  controlPort?: number;
  /**
   * Load the demo organisation, billing accounts and projects (default true);
   * the sandbox's demo Kubernetes clusters become the demo project's GKE clusters.
   */
  demo?: boolean;
  /** More records, on top of the demo (or alone with `demo: false`). */
  fixture?: GcpFixture;
  /**
   * Ports tried, in order, for the Kubernetes imitations of clusters created
   * through GCP; chosen at run time when none is free.
   */
  clusterPorts?: number[];
}

export interface SandboxGcp {
  /** `https://127.0.0.1:<port>`: the `apiEndpoint` / `port` of every Google client. */
  url: string;
  controlUrl: string;
  /** Bearer token of the demo principal. */
  token: string;
  /** IAM member the token stands for. */
  principal: string;
  control: GcpControl;
  /** The server itself, for in-process use. */
  server: GcpServer;
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
    /** Grows and shrinks as clusters are created and deleted through GCP. */
    clusters: SandboxCluster[];
  };
  /** Control API clients, by cluster name. */
  control: Record<string, SandboxControl>;
  /** The servers themselves, for in-process use (benchmarks). */
  servers: Record<string, KubernetesServer>;
  /** The GCP imitation, unless disabled. */
  gcp?: SandboxGcp;
  /** The GitLab imitation, unless disabled. */
  gitlab?: SandboxGitlab;
  /** The OpenID Connect provider, unless disabled. */
  oidc?: SandboxOidc;
  /** The Vault imitation, unless disabled. */
  vault?: SandboxVault;
  /** The Teleport imitation, unless disabled. */
  teleport?: SandboxTeleport;
  /** Called after a cluster was added or removed (through GCP); returns an unsubscribe. */
  onClustersChanged(listener: () => void): () => void;
  stop(): Promise<void>;
}

const BASE_NAMESPACES: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
];

function randomToken(prefix: string): string {
  return `${prefix}-${randomBytes(18).toString('base64url')}`;
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

  const tokenFor = (name: string) =>
    options.token ?? (tokens[name] ??= randomToken('sandbox'));
  const saveTokens = () => {
    if (!options.stateDir) return;
    fs.mkdirSync(options.stateDir, { recursive: true });
    fs.writeFileSync(
      path.join(options.stateDir, 'tokens.json'),
      `${JSON.stringify(tokens, null, 2)}\n`,
      { mode: 0o600 },
    );
  };
  const newServer = (name: string, port?: number, controlPort?: number) =>
    new KubernetesServer({
      name,
      token: tokenFor(name),
      tls,
      port,
      controlPort,
      historySize: options.watchHistorySize,
      timings: options.timings,
    });

  const servers: KubernetesServer[] = specs.map((spec, i) => {
    const server = newServer(
      spec.name,
      options.ports?.kubernetes?.[i],
      options.ports?.kubernetesControl?.[i],
    );
    const objects: KubeObject[] = [
      ...BASE_NAMESPACES,
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
  saveTokens();

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

  const clusters: SandboxCluster[] = servers.map((s, i) => ({
    name: s.name,
    url: s.url,
    token: s.token,
    labels: specs[i].labels ?? {},
    controlUrl: s.http.controlUrl,
  }));
  const control: Record<string, SandboxControl> = Object.fromEntries(
    clusters.map(c => [
      c.name,
      new SandboxControl({ url: c.controlUrl, caPem: tls.caPem }),
    ]),
  );
  const serversByName: Record<string, KubernetesServer> = Object.fromEntries(
    servers.map(s => [s.name, s]),
  );
  const listeners = new Set<() => void>();
  let stopped = false;

  // Clusters created through GCP join the sandbox like the ones it started with.
  const host: GcpClusterHost = {
    lookup: name => {
      const s = serversByName[name];
      return s ? { url: s.url } : undefined;
    },
    start: async spec => {
      if (stopped) throw new Error('the sandbox is stopped');
      const existing = serversByName[spec.name];
      if (existing) return { url: existing.url };
      const server = await startOnFreePort(
        port => {
          const s = newServer(spec.name, port);
          s.setFixture(BASE_NAMESPACES);
          return s;
        },
        [spec.port, ...(options.gcp?.clusterPorts ?? [])],
        Object.values(serversByName).map(s => s.http.port),
      );
      if (stopped) {
        // The sandbox stopped while this one came up.
        await server.stop();
        throw new Error('the sandbox is stopped');
      }
      saveTokens();
      serversByName[spec.name] = server;
      clusters.push({
        name: spec.name,
        url: server.url,
        token: server.token,
        labels: spec.labels,
        controlUrl: server.http.controlUrl,
      });
      control[spec.name] = new SandboxControl({
        url: server.http.controlUrl,
        caPem: tls.caPem,
      });
      listeners.forEach(l => l());
      return { url: server.url };
    },
    stop: async name => {
      const server = serversByName[name];
      if (!server) return;
      delete serversByName[name];
      delete control[name];
      const i = clusters.findIndex(c => c.name === name);
      if (i >= 0) clusters.splice(i, 1);
      await server.stop();
      listeners.forEach(l => l());
    },
  };

  // The other systems, in order; each is stopped (newest first) when a later one fails to start,
  // and by stop().
  const parts: Array<{ server: { stop(): Promise<void> } }> = [];
  const stopAll = async () => {
    for (const p of [...parts].reverse()) await p.server.stop();
    await Promise.all(Object.values(serversByName).map(s => s.stop()));
  };
  async function part<T extends { server: { stop(): Promise<void> } }>(
    enabled: boolean | undefined,
    start: () => Promise<T>,
  ): Promise<T | undefined> {
    if (enabled === false) return undefined;
    try {
      const up = await start();
      parts.push(up);
      return up;
    } catch (e) {
      stopped = true;
      await stopAll();
      throw e;
    }
  }
  const gcp = await part(options.gcp?.enabled, () =>
    startGcp(options, tls, host, specs),
  );
  const gitlab = await part(options.gitlab?.enabled, () =>
    startGitlab(options, tls),
  );
  const oidc = await part(options.oidc?.enabled, () => startOidc(options, tls));
  const vault = await part(options.vault?.enabled, () =>
    startVault(options, tls),
  );
  const teleport = await part(options.teleport?.enabled, () =>
    startTeleport(options, tls),
  );

  return {
    kubernetes: { caPem: tls.caPem, clusters },
    control,
    servers: serversByName,
    gcp,
    gitlab,
    oidc,
    vault,
    teleport,
    onClustersChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll();
    },
  };
}

async function startGcp(
  options: StartSandboxOptions,
  tls: TlsMaterial,
  clusterHost: GcpClusterHost,
  specs: SandboxClusterSpec[],
): Promise<SandboxGcp> {
  const o = options.gcp ?? {};
  const token = o.token ?? randomToken('sandbox-gcp');
  const demo = o.demo ?? true;
  const base: GcpFixture = demo
    ? gcpDemoFixture({ token, kubernetesClusters: specs.map(s => s.name) })
    : {
        principals: [
          {
            token,
            member: DEMO_GCP_PRINCIPAL,
            visible: [],
            billingAccounts: [],
          },
        ],
      };
  const fixture = mergeFixtures(base, o.fixture ?? {});
  const server = new GcpServer({
    tls,
    port: o.port,
    controlPort: o.controlPort,
    timings: o.timings,
    fixture,
    clusterHost,
    stateFile: options.stateDir
      ? path.join(options.stateDir, 'gcp.json')
      : undefined,
  });
  try {
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  const principal = server.store.principal(token)?.member ?? DEMO_GCP_PRINCIPAL;
  return {
    url: server.url,
    controlUrl: server.controlUrl,
    token,
    principal,
    control: new GcpControl({ url: server.controlUrl, caPem: tls.caPem }),
    server,
  };
}

async function startGitlab(
  options: StartSandboxOptions,
  tls: TlsMaterial,
): Promise<SandboxGitlab> {
  const o = options.gitlab ?? {};
  const server = new GitlabServer({
    tls,
    token: o.token ?? DEMO_GITLAB_TOKEN,
    demo: o.demo,
    fixture: o.fixture,
    port: o.port,
    controlPort: o.controlPort,
    dir: options.stateDir ? path.join(options.stateDir, 'gitlab') : undefined,
  });
  try {
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  return {
    url: server.url,
    apiBaseUrl: server.apiBaseUrl,
    controlUrl: server.controlUrl,
    token: server.token,
    control: new GitlabControl({ url: server.controlUrl, caPem: tls.caPem }),
    server,
  };
}

async function startOidc(
  options: StartSandboxOptions,
  tls: TlsMaterial,
): Promise<SandboxOidc> {
  const o = options.oidc ?? {};
  const clientId = o.clientId ?? DEMO_OIDC_CLIENT_ID;
  const clientSecret = o.clientSecret ?? DEMO_OIDC_CLIENT_SECRET;
  const server = new OidcServer({
    tls,
    port: o.port,
    controlPort: o.controlPort,
    clients: [
      {
        clientId,
        clientSecret,
        name: 'Groundcrew portal',
        redirectUris: o.redirectUris,
      },
    ],
    users: o.users,
    timings: o.timings,
  });
  try {
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  return {
    issuer: server.issuer,
    metadataUrl: server.metadataUrl,
    controlUrl: server.controlUrl,
    clientId,
    clientSecret,
    users: server.store.users,
    control: new OidcControl({ url: server.controlUrl, caPem: tls.caPem }),
    server,
  };
}

async function startVault(
  options: StartSandboxOptions,
  tls: TlsMaterial,
): Promise<SandboxVault> {
  const o = options.vault ?? {};
  const server = new VaultServer({
    tls,
    token: o.token ?? DEMO_VAULT_TOKEN,
    rootToken: o.rootToken ?? DEMO_VAULT_ROOT_TOKEN,
    demo: o.demo,
    fixture: o.fixture,
    port: o.port,
    controlPort: o.controlPort,
  });
  try {
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  return {
    url: server.url,
    controlUrl: server.controlUrl,
    token: server.token,
    rootToken: server.rootToken,
    control: new VaultControl({ url: server.controlUrl, caPem: tls.caPem }),
    server,
  };
}

async function startTeleport(
  options: StartSandboxOptions,
  tls: TlsMaterial,
): Promise<SandboxTeleport> {
  const o = options.teleport ?? {};
  const demo = o.demo !== false ? teleportDemoFixture() : {};
  const extra = o.fixture ?? {};
  const dir = options.stateDir
    ? path.join(options.stateDir, 'teleport')
    : undefined;
  const server = new TeleportServer({
    tls,
    port: o.port,
    controlPort: o.controlPort,
    pkiDir: dir,
    fixture: {
      clusterName: extra.clusterName ?? demo.clusterName,
      roles: [...(demo.roles ?? []), ...(extra.roles ?? [])],
      users: [...(demo.users ?? []), ...(extra.users ?? [])],
      requests: [...(demo.requests ?? []), ...(extra.requests ?? [])],
    },
  });
  const identity = server.issueIdentity(o.identityUser ?? DEMO_TELEPORT_BOT, {
    roles: ['groundcrew-portal'],
  });
  const identityFileContent = server.identityFile(identity);
  let identityFile: string | undefined;
  if (dir) {
    identityFile = path.join(dir, 'identity');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(identityFile, identityFileContent, { mode: 0o600 });
  }
  try {
    await server.start();
  } catch (e) {
    await server.stop().catch(() => undefined);
    throw e;
  }
  return {
    address: server.address,
    controlUrl: server.controlUrl,
    serverName: server.serverName,
    caPem: server.pki.caPem,
    identityFileContent,
    identityFile,
    control: new TeleportControl({ url: server.controlUrl, caPem: tls.caPem }),
    server,
  };
}

function mergeFixtures(a: GcpFixture, b: GcpFixture): GcpFixture {
  const out: GcpFixture = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const key = k as keyof GcpFixture;
    (out[key] as unknown[]) = [
      ...((a[key] as unknown[] | undefined) ?? []),
      ...(v as unknown[]),
    ];
  }
  return out;
}

/**
 * Starts a server on the first free port of `preferred` (skipping those in
 * use), else on one chosen at run time.
 */
async function startOnFreePort(
  make: (port?: number) => KubernetesServer,
  preferred: Array<number | undefined>,
  inUse: number[],
): Promise<KubernetesServer> {
  const ports = preferred.filter((p): p is number => !!p && !inUse.includes(p));
  for (const port of [...new Set(ports)]) {
    const server = make(port);
    try {
      await server.start();
      return server;
    } catch (e) {
      await server.stop().catch(() => undefined);
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  const server = make(undefined);
  await server.start();
  return server;
}
