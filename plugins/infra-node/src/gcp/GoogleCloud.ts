import { LoggerService } from '@backstage/backend-plugin-api';
import type { protos as asset } from '@google-cloud/asset';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type {
  CloudRunProbe,
  CloudRunRevision,
  CloudRunService,
  CloudRunServiceRef,
  CloudRunServiceSpec,
  CloudRunTrafficTarget,
  GcpProject,
  GkeCluster,
} from '@groundcrew/plugin-infra-common';
import type { protos as container } from '@google-cloud/container';
import type { protos as resourcemanager } from '@google-cloud/resource-manager';
import type { protos as run } from '@google-cloud/run';
import { GoogleAuth } from 'google-auth-library';
import { grpcCodeOf, GrpcCode, isRetryable, toBackstageError } from './errors';
import { GcpConfig } from './gcpConfig';
import type {
  GcpAsset,
  GcpBillingAccount,
  GcpIamPolicy,
  GcpService,
  GcpWaitOptions,
  GkeClusterSpec,
  GkeOperation,
} from './GcpService';
import { GcpAuthClient } from './GcpAuthClient';
import {
  googleClientClass,
  GoogleClientClasses,
  GoogleClientName,
} from './googleClients';
import { StaticTokenAuthClient } from './StaticTokenAuthClient';

type IProject = resourcemanager.google.cloud.resourcemanager.v3.IProject;
type ICluster = container.google.container.v1.ICluster;
type IOperation = container.google.container.v1.IOperation;
type IProgress = container.google.container.v1.IOperationProgress;
type IRunService = run.google.cloud.run.v2.IService;
type IRunRevision = run.google.cloud.run.v2.IRevision;
type IRunProbe = run.google.cloud.run.v2.IProbe;
type IRunTraffic = run.google.cloud.run.v2.ITrafficTarget;
type IRunCondition = run.google.cloud.run.v2.ICondition;
type IAssetResult = asset.google.cloud.asset.v1.IResourceSearchResult;
type ISearchRequest = asset.google.cloud.asset.v1.ISearchAllResourcesRequest;

/**
 * The `*Async` listings page on demand whatever this says; saying it spares a warning per process
 * (gax's default call options ask for auto-pagination).
 */
const PAGED = { autoPaginate: false };

/** What a long-running operation of Google's clients looks like after a progress check. */
interface LroLike<T> {
  done?: boolean;
  result?: T | null;
  error?: unknown;
  metadata?: unknown;
}

/** Options every Google client is built with: Google's endpoints, or one GCP-compatible endpoint. */
function clientOptions(config: GcpConfig) {
  const authClient =
    config.auth.type === 'token'
      ? new StaticTokenAuthClient({
          token: config.auth.token,
          caPem: config.caPem,
        })
      : GcpAuthClient.fromGoogleAuth(
          new GoogleAuth({
            keyFile:
              config.auth.type === 'keyFile' ? config.auth.path : undefined,
            scopes: ['https://www.googleapis.com/auth/cloud-platform'],
          }),
          { caPem: config.caPem },
        );
  const auth = { authClient };
  if (!config.endpoint) {
    return { fallback: true, ...auth };
  }
  const url = config.endpoint;
  const https = url.protocol === 'https:';
  return {
    fallback: true,
    protocol: https ? 'https' : 'http',
    apiEndpoint: url.hostname,
    port: Number(url.port || (https ? 443 : 80)),
    ...auth,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Project.State by name and by number: a direct response has names, but the result of a
 * long-running operation is decoded from a `google.protobuf.Any` with numbers.
 */
const PROJECT_STATES: Record<string, GcpProject['state']> = {
  ACTIVE: 'ACTIVE',
  DELETE_REQUESTED: 'DELETE_REQUESTED',
  '1': 'ACTIVE',
  '2': 'DELETE_REQUESTED',
};

function toProject(p: IProject): GcpProject {
  return {
    projectId: p.projectId ?? '',
    projectNumber: (p.name ?? '').replace(/^projects\//, ''),
    displayName: p.displayName ?? '',
    parent: p.parent ?? '',
    state: PROJECT_STATES[String(p.state)] ?? 'STATE_UNSPECIFIED',
    labels: { ...(p.labels ?? {}) },
  };
}

function enumName(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function toCluster(projectId: string, c: ICluster): GkeCluster {
  const ca = c.masterAuth?.clusterCaCertificate;
  return {
    name: c.name ?? '',
    projectId,
    location: c.location ?? '',
    status: enumName(c.status),
    statusMessage: c.statusMessage || undefined,
    endpoint: c.endpoint || undefined,
    caCertificatePem: ca
      ? Buffer.from(ca, 'base64').toString('utf8')
      : undefined,
    releaseChannel: enumName(c.releaseChannel?.channel) || undefined,
    privateNodes: Boolean(c.privateClusterConfig?.enablePrivateNodes),
    nodePools: (c.nodePools ?? []).map(np => ({
      name: np.name ?? '',
      machineType: np.config?.machineType ?? '',
      minNodeCount: np.autoscaling?.minNodeCount ?? np.initialNodeCount ?? 0,
      maxNodeCount: np.autoscaling?.maxNodeCount ?? np.initialNodeCount ?? 0,
      status: enumName(np.status) || undefined,
    })),
    labels: { ...(c.resourceLabels ?? {}) },
    currentMasterVersion: c.currentMasterVersion || undefined,
  };
}

/** A percentage from GKE's progress metrics ("nodes done"/"nodes total", "progress"/"progress scale"). */
function percentOf(progress: IProgress | null | undefined): number | undefined {
  const metrics = new Map<string, number>();
  for (const m of progress?.metrics ?? []) {
    const v = Number(m.intValue ?? m.doubleValue ?? NaN);
    if (m.name && Number.isFinite(v)) metrics.set(m.name.toLowerCase(), v);
  }
  const pairs: Array<[string, string]> = [
    ['progress', 'progress scale'],
    ['nodes done', 'nodes total'],
    ['steps done', 'steps total'],
  ];
  for (const [done, total] of pairs) {
    const d = metrics.get(done);
    const t = metrics.get(total);
    if (d !== undefined && t) return Math.round((100 * d) / t);
  }
  const percent = metrics.get('percent done');
  return percent === undefined ? undefined : Math.round(percent);
}

/** The stage that is running, when GKE reports stages (CLUSTER_DEPLOYING …). */
function stageOf(progress: IProgress | null | undefined): string | undefined {
  return (
    progress?.stages?.find(st => String(st.status) === 'RUNNING')?.name ??
    undefined
  );
}

function toOperation(op: IOperation): GkeOperation {
  const error = op.error?.message || (op.error ? op.statusMessage : undefined);
  return {
    name: op.selfLink ? op.selfLink.replace(/^.*\/v1\//, '') : op.name ?? '',
    type: enumName(op.operationType),
    status: enumName(op.status),
    target: op.targetLink ? op.targetLink.replace(/^.*\/v1\//, '') : undefined,
    percent: percentOf(op.progress),
    stage: stageOf(op.progress),
    error: error || undefined,
  };
}

/** `projects/P/locations/L/operations/ID` from an operation and the place it was started in. */
function operationName(op: IOperation, projectId: string, location: string) {
  if (op.name?.startsWith('projects/')) return op.name;
  return `projects/${projectId}/locations/${op.zone || location}/operations/${
    op.name
  }`;
}

function etagToString(etag: unknown): string {
  if (etag === null || etag === undefined) return '';
  if (typeof etag === 'string') return etag;
  return Buffer.from(etag as Uint8Array).toString('base64');
}

/** An IAM policy as Google's client decodes it, as Groundcrew passes it on. */
function toPolicy(
  policy: {
    version?: number | null;
    etag?: unknown;
    bindings?: Array<{
      role?: string | null;
      members?: string[] | null;
    }> | null;
  },
  defaultVersion: number,
): GcpIamPolicy {
  return {
    version: policy.version ?? defaultVersion,
    etag: etagToString(policy.etag),
    bindings: (policy.bindings ?? []).map(b => ({
      role: b.role ?? '',
      members: [...(b.members ?? [])],
    })),
  };
}

/*
 * Cloud Run v2. A direct answer has enums as names and int64 as strings; the result and metadata
 * of a long-running operation are decoded from a google.protobuf.Any, with enums as numbers and
 * int64 as Long. The mapping takes both.
 */

const RUN_TRAFFIC_REVISION = new Set([
  'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
  '2',
]);
const RUN_CONDITION_SUCCEEDED = new Set(['CONDITION_SUCCEEDED', '4']);
const RUN_CONDITION_FAILED = new Set(['CONDITION_FAILED', '3']);

function runServiceName(ref: CloudRunServiceRef): string {
  return `projects/${ref.projectId}/locations/${ref.location}/services/${ref.name}`;
}

function lastSegment(name: string | null | undefined): string | undefined {
  return name ? name.split('/').pop() || undefined : undefined;
}

function int64(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(String(v));
  return Number.isFinite(n) ? n : 0;
}

function toTraffic(t: IRunTraffic): CloudRunTrafficTarget {
  const type = RUN_TRAFFIC_REVISION.has(enumName(t.type))
    ? 'REVISION'
    : 'LATEST';
  return {
    type,
    ...(t.revision ? { revision: t.revision } : {}),
    percent: t.percent ?? 0,
    ...(t.tag ? { tag: t.tag } : {}),
  };
}

function conditionState(c: IRunCondition | null | undefined): string {
  return enumName(c?.state);
}

function toRunService(
  s: IRunService,
  ref: CloudRunServiceRef,
): CloudRunService {
  const first = s.template?.containers?.[0];
  const limits = first?.resources?.limits ?? {};
  const terminal = s.terminalCondition;
  const reconciling = Boolean(s.reconciling);
  return {
    name: lastSegment(s.name) ?? ref.name,
    projectId: ref.projectId,
    location: ref.location,
    uri: s.uri ?? '',
    labels: { ...(s.labels ?? {}) },
    annotations: { ...(s.annotations ?? {}) },
    generation: int64(s.generation),
    observedGeneration: int64(s.observedGeneration),
    latestReadyRevision: lastSegment(s.latestReadyRevision),
    latestCreatedRevision: lastSegment(s.latestCreatedRevision),
    traffic: (s.traffic ?? []).map(toTraffic),
    trafficStatuses: (s.trafficStatuses ?? []).map(t => ({
      ...toTraffic(t),
      ...(t.uri ? { uri: t.uri } : {}),
    })),
    ready:
      !reconciling && RUN_CONDITION_SUCCEEDED.has(conditionState(terminal)),
    reconciling,
    conditionMessage: terminal?.message || undefined,
    template: {
      revision: s.template?.revision || undefined,
      image: first?.image ?? '',
      containerPort: first?.ports?.[0]?.containerPort ?? undefined,
      envNames: (first?.env ?? []).map(e => e.name ?? ''),
      minInstances: s.template?.scaling?.minInstanceCount ?? 0,
      maxInstances: s.template?.scaling?.maxInstanceCount ?? 0,
      cpu: limits.cpu,
      memory: limits.memory,
    },
    etag: s.etag || undefined,
  };
}

function toRunRevision(r: IRunRevision): CloudRunRevision {
  const ready = (r.conditions ?? []).find(c => c.type === 'Ready');
  return {
    name: lastSegment(r.name) ?? '',
    service: lastSegment(r.service) ?? '',
    image: r.containers?.[0]?.image ?? '',
    createTime: timestampOf(r.createTime),
    ready: RUN_CONDITION_SUCCEEDED.has(conditionState(ready)),
    reconciling: Boolean(r.reconciling),
    conditionMessage: ready?.message || undefined,
  };
}

function timestampOf(
  t: { seconds?: unknown; nanos?: number | null } | null | undefined,
): string | undefined {
  if (!t) return undefined;
  const ms = int64(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function toRunProbe(p: CloudRunProbe | undefined): IRunProbe | undefined {
  return p ? { ...p } : undefined;
}

function toRunServiceRequest(
  spec: CloudRunServiceSpec,
  name?: string,
): IRunService {
  const t = spec.template;
  const limits: Record<string, string> = {};
  if (t.resources?.cpu) limits.cpu = t.resources.cpu;
  if (t.resources?.memory) limits.memory = t.resources.memory;
  return {
    ...(name ? { name } : {}),
    labels: spec.labels,
    annotations: spec.annotations ?? {},
    template: {
      ...(t.revision ? { revision: t.revision } : {}),
      labels: t.labels ?? {},
      annotations: t.annotations ?? {},
      scaling: {
        minInstanceCount: t.minInstances,
        maxInstanceCount: t.maxInstances,
      },
      containers: [
        {
          image: t.image,
          ports: [{ containerPort: t.containerPort }],
          env: t.env.map(e => ({ name: e.name, value: e.value })),
          ...(Object.keys(limits).length ? { resources: { limits } } : {}),
          ...(t.startupProbe
            ? { startupProbe: toRunProbe(t.startupProbe) }
            : {}),
          ...(t.livenessProbe
            ? { livenessProbe: toRunProbe(t.livenessProbe) }
            : {}),
        },
      ],
    },
    traffic: spec.traffic.map(toRunTrafficTarget),
  };
}

function toRunTrafficTarget(tt: CloudRunTrafficTarget) {
  return {
    type:
      tt.type === 'REVISION'
        ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION'
        : 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST',
    ...(tt.revision ? { revision: tt.revision } : {}),
    percent: tt.percent,
    ...(tt.tag ? { tag: tt.tag } : {}),
  } as const;
}

/** A line about a Cloud Run rollout, from the operation's metadata (the Service). */
function describeRunRollout(metadata: unknown): string | undefined {
  const s = metadata as IRunService | null | undefined;
  if (!s || typeof s !== 'object') return undefined;
  const revision = lastSegment(s.latestCreatedRevision);
  const state = conditionState(s.terminalCondition);
  let status = 'rolling out';
  if (RUN_CONDITION_SUCCEEDED.has(state) && !s.reconciling) status = 'ready';
  else if (RUN_CONDITION_FAILED.has(state)) status = 'failed';
  return [revision ? `revision ${revision}` : 'service', status].join(' ');
}

/** Asset Inventory caps a page at 500 results. */
const MAX_ASSET_PAGE = 500;

/** A string field of a google.protobuf.Struct (`additionalAttributes`), as the client decodes it. */
function structString(
  struct: IAssetResult['additionalAttributes'],
  key: string,
): string | undefined {
  return struct?.fields?.[key]?.stringValue || undefined;
}

/**
 * A search result with the parts of its full resource name
 * (`//<service>/projects/<id or number>/locations/<location>/…/<name>`).
 */
function toAsset(r: IAssetResult): GcpAsset {
  const fullName = r.name ?? '';
  const segments = fullName.replace(/^\/\/[^/]+\//, '').split('/');
  const after = (key: string) => {
    const i = segments.indexOf(key);
    return i >= 0 && i % 2 === 0 ? segments[i + 1] : undefined;
  };
  const inName = after('projects');
  const projectId =
    structString(r.additionalAttributes, 'projectId') ??
    (inName && !/^\d+$/.test(inName) ? inName : undefined);
  return {
    assetType: r.assetType ?? '',
    fullName,
    projectNumber: (r.project ?? '').replace(/^projects\//, ''),
    ...(projectId ? { projectId } : {}),
    name: segments[segments.length - 1] ?? '',
    location: r.location || after('locations') || '',
    displayName: r.displayName ?? '',
    labels: { ...(r.labels ?? {}) },
    state: r.state ?? '',
  };
}

/**
 * The default {@link GcpService}, on Google's Node clients in their REST mode.
 *
 * @public
 */
export class GoogleCloud implements GcpService {
  private readonly options: ReturnType<typeof clientOptions>;
  /** The clients made so far: each on its first call, so a backend pays only for what it calls. */
  private readonly made = new Map<
    GoogleClientName,
    { close(): Promise<void> }
  >();

  static create(options: { config: GcpConfig; logger: LoggerService }) {
    return new GoogleCloud(options.config, options.logger);
  }

  private constructor(
    private readonly config: GcpConfig,
    private readonly logger: LoggerService,
  ) {
    this.options = clientOptions(config);
  }

  private client<N extends GoogleClientName>(
    name: N,
  ): InstanceType<GoogleClientClasses[N]> {
    let client = this.made.get(name);
    if (!client) {
      const Client = googleClientClass(name) as new (
        opts: ReturnType<typeof clientOptions>,
      ) => { close(): Promise<void> };
      client = new Client(this.options);
      this.made.set(name, client);
    }
    return client as InstanceType<GoogleClientClasses[N]>;
  }

  private get projects() {
    return this.client('ProjectsClient');
  }
  private get folders() {
    return this.client('FoldersClient');
  }
  private get organizations() {
    return this.client('OrganizationsClient');
  }
  private get billing() {
    return this.client('CloudBillingClient');
  }
  private get serviceUsage() {
    return this.client('ServiceUsageClient');
  }
  private get clusters() {
    return this.client('ClusterManagerClient');
  }
  private get runServices() {
    return this.client('ServicesClient');
  }
  private get runRevisions() {
    return this.client('RevisionsClient');
  }
  private get assets() {
    return this.client('AssetServiceClient');
  }

  /** Which clients have been made: for tests. */
  clientsMade(): GoogleClientName[] {
    return [...this.made.keys()];
  }

  async close(): Promise<void> {
    const clients = [...this.made.values()];
    this.made.clear();
    await Promise.all(clients.map(c => c.close()));
    this.options.authClient.close();
  }

  regions(): string[] {
    return [...this.config.regions];
  }

  async getProject(projectId: string) {
    try {
      const [p] = await this.call(`Reading GCP project ${projectId}`, () =>
        this.projects.getProject({ name: `projects/${projectId}` }),
      );
      return toProject(p);
    } catch (e) {
      if (isHidden(e)) return undefined;
      throw e;
    }
  }

  async searchProjects(options?: { query?: string; limit?: number }) {
    const limit = options?.limit ?? 100;
    const out: GcpProject[] = [];
    await this.call('Searching GCP projects', async () => {
      out.length = 0;
      // Pages as large as the server gives (it may answer fewer than asked): 10,000 projects in
      // 20 calls, not 100.
      for await (const p of this.projects.searchProjectsAsync(
        { query: options?.query ?? '', pageSize: Math.min(limit, 500) },
        PAGED,
      )) {
        out.push(toProject(p));
        if (out.length >= limit) break;
      }
    });
    return out;
  }

  async createProject(
    input: {
      projectId: string;
      displayName: string;
      parent: string;
      labels: Record<string, string>;
    },
    options?: GcpWaitOptions,
  ) {
    const what = `Creating GCP project ${input.projectId}`;
    const [op] = await this.call(what, () =>
      this.projects.createProject({ project: { ...input } }),
    );
    const project = await this.waitForLro<IProject>(
      what,
      op,
      name => this.projects.checkCreateProjectProgress(name),
      options,
    );
    return toProject(project);
  }

  async updateProjectLabels(
    projectId: string,
    labels: Record<string, string>,
    options?: GcpWaitOptions,
  ) {
    const what = `Updating the labels of GCP project ${projectId}`;
    const [op] = await this.call(what, () =>
      this.projects.updateProject({
        project: { name: `projects/${projectId}`, labels },
        updateMask: { paths: ['labels'] },
      }),
    );
    const project = await this.waitForLro<IProject>(
      what,
      op,
      name => this.projects.checkUpdateProjectProgress(name),
      options,
    );
    return toProject(project);
  }

  async getParent(parent: string) {
    const what = `Reading ${parent}`;
    try {
      if (parent.startsWith('folders/')) {
        const [f] = await this.call(what, () =>
          this.folders.getFolder({ name: parent }),
        );
        return { name: f.name ?? parent, displayName: f.displayName ?? '' };
      }
      if (parent.startsWith('organizations/')) {
        const [o] = await this.call(what, () =>
          this.organizations.getOrganization({ name: parent }),
        );
        return { name: o.name ?? parent, displayName: o.displayName ?? '' };
      }
    } catch (e) {
      if (isHidden(e)) return undefined;
      throw e;
    }
    throw new InputError(
      `parent must be folders/<id> or organizations/<id>, got "${parent}"`,
    );
  }

  async listBillingAccounts() {
    const out: GcpBillingAccount[] = [];
    await this.call('Listing GCP billing accounts', async () => {
      out.length = 0;
      for await (const a of this.billing.listBillingAccountsAsync({}, PAGED)) {
        out.push({
          name: a.name ?? '',
          displayName: a.displayName ?? '',
          open: Boolean(a.open),
        });
      }
    });
    return out;
  }

  async getProjectBilling(projectId: string) {
    const [info] = await this.call(
      `Reading the billing of GCP project ${projectId}`,
      () =>
        this.billing.getProjectBillingInfo({ name: `projects/${projectId}` }),
    );
    return {
      billingAccountName: info.billingAccountName || undefined,
      billingEnabled: Boolean(info.billingEnabled),
    };
  }

  async setProjectBilling(projectId: string, billingAccountName: string) {
    await this.call(
      `Linking GCP project ${projectId} to ${billingAccountName}`,
      () =>
        this.billing.updateProjectBillingInfo({
          name: `projects/${projectId}`,
          projectBillingInfo: { billingAccountName },
        }),
    );
  }

  async listEnabledServices(projectId: string) {
    const out: string[] = [];
    await this.call(
      `Listing the enabled APIs of GCP project ${projectId}`,
      async () => {
        out.length = 0;
        for await (const s of this.serviceUsage.listServicesAsync(
          { parent: `projects/${projectId}`, filter: 'state:ENABLED' },
          PAGED,
        )) {
          out.push(s.config?.name || (s.name ?? '').split('/').pop() || '');
        }
      },
    );
    return out.filter(Boolean).sort();
  }

  async enableServices(
    projectId: string,
    services: string[],
    options?: GcpWaitOptions,
  ) {
    // Service Usage takes at most 20 services a call.
    for (let i = 0; i < services.length; i += 20) {
      const serviceIds = services.slice(i, i + 20);
      const what = `Enabling ${serviceIds.join(
        ', ',
      )} on GCP project ${projectId}`;
      const [op] = await this.call(what, () =>
        this.serviceUsage.batchEnableServices({
          parent: `projects/${projectId}`,
          serviceIds,
        }),
      );
      await this.waitForLro(
        what,
        op,
        name => this.serviceUsage.checkBatchEnableServicesProgress(name),
        options,
      );
    }
  }

  async getIamPolicy(projectId: string): Promise<GcpIamPolicy> {
    const [policy] = await this.call(
      `Reading the IAM policy of GCP project ${projectId}`,
      () =>
        this.projects.getIamPolicy({
          resource: `projects/${projectId}`,
          options: { requestedPolicyVersion: 3 },
        }),
    );
    return toPolicy(policy, 1);
  }

  async setIamPolicy(projectId: string, policy: GcpIamPolicy) {
    const [written] = await this.call(
      `Writing the IAM policy of GCP project ${projectId}`,
      () =>
        this.projects.setIamPolicy({
          resource: `projects/${projectId}`,
          policy: {
            version: policy.version,
            bindings: policy.bindings,
            etag: policy.etag ? Buffer.from(policy.etag, 'base64') : undefined,
          },
        }),
    );
    return toPolicy(written, policy.version);
  }

  async getCluster(ref: { projectId: string; location: string; name: string }) {
    try {
      const [c] = await this.call(
        `Reading GKE cluster ${ref.name} in ${ref.projectId}/${ref.location}`,
        () =>
          this.clusters.getCluster({
            name: `projects/${ref.projectId}/locations/${ref.location}/clusters/${ref.name}`,
          }),
      );
      return toCluster(ref.projectId, c);
    } catch (e) {
      if (grpcCodeOf(causeOf(e)) === GrpcCode.NOT_FOUND) return undefined;
      throw e;
    }
  }

  async listClusters(ref: { projectId: string; location?: string }) {
    const [res] = await this.call(
      `Listing the GKE clusters of ${ref.projectId}`,
      () =>
        this.clusters.listClusters({
          parent: `projects/${ref.projectId}/locations/${ref.location ?? '-'}`,
        }),
    );
    return (res.clusters ?? []).map(c => toCluster(ref.projectId, c));
  }

  async createCluster(ref: {
    projectId: string;
    location: string;
    cluster: GkeClusterSpec;
  }) {
    const { projectId, location, cluster } = ref;
    const [op] = await this.call(
      `Creating GKE cluster ${cluster.name} in ${projectId}/${location}`,
      () =>
        this.clusters.createCluster({
          parent: `projects/${projectId}/locations/${location}`,
          cluster: {
            name: cluster.name,
            releaseChannel: { channel: cluster.releaseChannel },
            privateClusterConfig: { enablePrivateNodes: cluster.privateNodes },
            resourceLabels: cluster.labels,
            nodePools: cluster.nodePools.map(np => ({
              name: np.name,
              initialNodeCount: Math.max(np.minNodeCount, 1),
              config: { machineType: np.machineType },
              autoscaling: {
                enabled: true,
                minNodeCount: np.minNodeCount,
                maxNodeCount: np.maxNodeCount,
              },
            })),
          },
        }),
    );
    return {
      ...toOperation(op),
      name: operationName(op, projectId, location),
    };
  }

  async deleteCluster(ref: {
    projectId: string;
    location: string;
    name: string;
  }) {
    const [op] = await this.call(
      `Deleting GKE cluster ${ref.name} in ${ref.projectId}/${ref.location}`,
      () =>
        this.clusters.deleteCluster({
          name: `projects/${ref.projectId}/locations/${ref.location}/clusters/${ref.name}`,
        }),
    );
    return {
      ...toOperation(op),
      name: operationName(op, ref.projectId, ref.location),
    };
  }

  async listClusterOperations(ref: { projectId: string; location: string }) {
    const [res] = await this.call(
      `Listing the GKE operations of ${ref.projectId}/${ref.location}`,
      () =>
        this.clusters.listOperations({
          parent: `projects/${ref.projectId}/locations/${ref.location}`,
        }),
    );
    return (res.operations ?? []).map(op => ({
      ...toOperation(op),
      name: operationName(op, ref.projectId, ref.location),
    }));
  }

  async waitForClusterOperation(name: string, options?: GcpWaitOptions) {
    const what = `GKE operation ${name.split('/').pop()}`;
    const deadline = Date.now() + (options?.timeoutMs ?? 45 * 60_000);
    let last = '';
    for (;;) {
      const [raw] = await this.call(`Reading ${what}`, () =>
        this.clusters.getOperation({ name }),
      );
      const op = toOperation(raw);
      const line = [
        op.type || 'operation',
        op.status,
        op.percent !== undefined && op.status !== 'DONE'
          ? `${op.percent}%`
          : '',
        op.stage && op.status !== 'DONE' ? `(${op.stage})` : '',
      ]
        .filter(Boolean)
        .join(' ');
      if (line !== last) {
        last = line;
        options?.onProgress?.(line);
      }
      if (op.status === 'DONE') {
        if (op.error) {
          throw new ServiceUnavailableError(`${what} failed: ${op.error}`);
        }
        return { ...op, name };
      }
      if (Date.now() >= deadline) {
        throw new ServiceUnavailableError(
          `${what} did not finish in ${Math.round(
            (options?.timeoutMs ?? 0) / 1000,
          )} s (last state ${
            op.status
          }); it may still finish in GCP, and a re-run picks it up`,
        );
      }
      await sleep(this.config.operationPollIntervalMs, options?.signal);
    }
  }

  async getRunService(ref: CloudRunServiceRef) {
    try {
      const [s] = await this.call(
        `Reading Cloud Run service ${ref.name} in ${ref.projectId}/${ref.location}`,
        () => this.runServices.getService({ name: runServiceName(ref) }),
      );
      return toRunService(s, ref);
    } catch (e) {
      if (grpcCodeOf(causeOf(e)) === GrpcCode.NOT_FOUND) return undefined;
      throw e;
    }
  }

  async createRunService(
    ref: CloudRunServiceRef,
    spec: CloudRunServiceSpec,
    options?: GcpWaitOptions,
  ) {
    const what = `Creating Cloud Run service ${ref.name} in ${ref.projectId}/${ref.location}`;
    const [op] = await this.call(what, () =>
      this.runServices.createService({
        parent: `projects/${ref.projectId}/locations/${ref.location}`,
        serviceId: ref.name,
        service: toRunServiceRequest(spec),
      }),
    );
    const service = await this.waitForLro<IRunService>(
      what,
      op,
      name => this.runServices.checkCreateServiceProgress(name),
      options,
      describeRunRollout,
    );
    return toRunService(service, ref);
  }

  async updateRunService(
    ref: CloudRunServiceRef,
    spec: CloudRunServiceSpec,
    options?: GcpWaitOptions,
  ) {
    const what = `Updating Cloud Run service ${ref.name} in ${ref.projectId}/${ref.location}`;
    const [op] = await this.call(what, () =>
      this.runServices.updateService({
        service: toRunServiceRequest(spec, runServiceName(ref)),
      }),
    );
    const service = await this.waitForLro<IRunService>(
      what,
      op,
      name => this.runServices.checkUpdateServiceProgress(name),
      options,
      describeRunRollout,
    );
    return toRunService(service, ref);
  }

  async updateRunServiceTraffic(
    ref: CloudRunServiceRef,
    traffic: CloudRunTrafficTarget[],
    options?: GcpWaitOptions & { etag?: string },
  ) {
    const what = `Changing the traffic of Cloud Run service ${ref.name} in ${ref.projectId}/${ref.location}`;
    const [op] = await this.call(what, () =>
      this.runServices.updateService({
        service: {
          name: runServiceName(ref),
          traffic: traffic.map(toRunTrafficTarget),
          ...(options?.etag ? { etag: options.etag } : {}),
        },
        updateMask: { paths: ['traffic'] },
      }),
    );
    const service = await this.waitForLro<IRunService>(
      what,
      op,
      name => this.runServices.checkUpdateServiceProgress(name),
      options,
      describeRunRollout,
    );
    return toRunService(service, ref);
  }

  async listRunRevisions(ref: CloudRunServiceRef) {
    const out: CloudRunRevision[] = [];
    await this.call(
      `Listing the revisions of Cloud Run service ${ref.name} in ${ref.projectId}/${ref.location}`,
      async () => {
        out.length = 0;
        for await (const r of this.runRevisions.listRevisionsAsync(
          { parent: runServiceName(ref) },
          PAGED,
        )) {
          out.push(toRunRevision(r));
        }
      },
    );
    return out;
  }

  async listRunServices(ref: { projectId: string; location?: string }) {
    const out: CloudRunService[] = [];
    await this.call(
      `Listing the Cloud Run services of ${ref.projectId}`,
      async () => {
        out.length = 0;
        for await (const s of this.runServices.listServicesAsync(
          {
            parent: `projects/${ref.projectId}/locations/${
              ref.location ?? '-'
            }`,
          },
          PAGED,
        )) {
          // With location `-` the answer spans regions: each service's own name says where it is.
          const location =
            /\/locations\/([^/]+)\//.exec(s.name ?? '')?.[1] ??
            ref.location ??
            '-';
          out.push(
            toRunService(s, {
              projectId: ref.projectId,
              location,
              name: lastSegment(s.name) ?? '',
            }),
          );
        }
      },
    );
    return out;
  }

  async deleteRunService(ref: CloudRunServiceRef, options?: GcpWaitOptions) {
    const what = `Deleting Cloud Run service ${ref.name} in ${ref.projectId}/${ref.location}`;
    let op;
    try {
      [op] = await this.call(what, () =>
        this.runServices.deleteService({ name: runServiceName(ref) }),
      );
    } catch (e) {
      // Already gone: what a re-run after a delete finds.
      if (grpcCodeOf(causeOf(e)) === GrpcCode.NOT_FOUND) return;
      throw e;
    }
    await this.waitForLro(
      what,
      op,
      name => this.runServices.checkDeleteServiceProgress(name),
      options,
      describeRunRollout,
    );
  }

  async *searchAssets(options: {
    scope: string;
    assetTypes: string[];
    pageSize?: number;
    fields?: string[];
  }): AsyncIterable<GcpAsset> {
    const what = `Searching the GCP assets of ${options.scope}`;
    let request: ISearchRequest | null = {
      scope: options.scope,
      assetTypes: options.assetTypes,
      pageSize: Math.min(options.pageSize ?? MAX_ASSET_PAGE, MAX_ASSET_PAGE),
      ...(options.fields?.length
        ? { readMask: { paths: options.fields } }
        : {}),
    };
    // Page by page, each call retried on its own: a 503 on page 40 does not restart the search.
    while (request) {
      const current: ISearchRequest = request;
      const [results, next]: [IAssetResult[], ISearchRequest | null, unknown] =
        await this.call(what, () =>
          this.assets.searchAllResources(current, PAGED),
        );
      for (const r of results) yield toAsset(r);
      request = next?.pageToken ? next : null;
    }
  }

  /** Polls a google.longrunning operation (Resource Manager, Service Usage, Cloud Run) until done. */
  private async waitForLro<T>(
    what: string,
    op: {
      name?: string | null;
      done?: boolean;
      result?: unknown;
      metadata?: unknown;
    },
    check: (name: string) => Promise<LroLike<unknown>>,
    options?: GcpWaitOptions,
    describe?: (metadata: unknown) => string | undefined,
  ): Promise<T> {
    const name = op.name ?? '';
    const deadline = Date.now() + (options?.timeoutMs ?? 10 * 60_000);
    let current: LroLike<unknown> = op;
    options?.onProgress?.(`${what}: operation ${name} started`);
    let last = '';
    const report = () => {
      const line = describe?.(current.metadata);
      if (line && line !== last) {
        last = line;
        options?.onProgress?.(`${what}: ${line}`);
      }
    };
    report();
    while (!current.done) {
      if (Date.now() >= deadline) {
        throw new ServiceUnavailableError(
          `${what}: operation ${name} did not finish in time; it may still finish in GCP, and a re-run picks it up`,
        );
      }
      await sleep(this.config.operationPollIntervalMs, options?.signal);
      current = await this.call(`${what} (operation ${name})`, () =>
        check(name),
      );
      report();
    }
    if (current.error) {
      throw toBackstageError(current.error, `${what} failed`);
    }
    return current.result as T;
  }

  /**
   * Runs one call, retrying 429 / 503 with exponential back-off, and turns a failure into a
   * @backstage/errors type that says what was being done.
   */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let backoff = this.config.retryInitialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (isRetryable(e) && attempt < this.config.retryAttempts) {
          this.logger.warn(
            `${what}: GCP answered code ${grpcCodeOf(
              e,
            )}, attempt ${attempt} of ${
              this.config.retryAttempts
            }; retrying in ${backoff} ms`,
          );
          await sleep(backoff);
          backoff = Math.min(
            backoff * 2,
            this.config.retryInitialBackoffMs * 32,
          );
          continue;
        }
        if (isRetryable(e)) {
          const err = toBackstageError(e, what);
          err.message = `${err.message} (gave up after ${attempt} attempts)`;
          throw Object.assign(err, { cause: e });
        }
        throw Object.assign(toBackstageError(e, what), { cause: e });
      }
    }
  }
}

function causeOf(e: unknown): unknown {
  return (e as { cause?: unknown })?.cause ?? e;
}

/** GCP answers 403 (never 404) for a project or folder that is missing or not visible. */
function isHidden(e: unknown): boolean {
  const code = grpcCodeOf(causeOf(e));
  return code === GrpcCode.PERMISSION_DENIED || code === GrpcCode.NOT_FOUND;
}
