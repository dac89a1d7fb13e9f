import { randomBytes } from 'node:crypto';
import { GcpApi, GcpCall, GcpRoute, isObject, readJson, send } from './api';
import { requireActiveProject, requireServiceEnabled } from './access';
import { renderCluster, renderContainerOperation } from './containerRender';
import { RELEASE_CHANNEL, decodeEnum } from './enums';
import { FieldViolation, gcpError, invalidArgument } from './errors';
import { GKE_VERSION, nowIso } from './store';
import type {
  ClusterRecord,
  NodePoolRecord,
  OperationRecord,
  ProjectRecord,
} from './types';
import {
  CLUSTER_NAME_RE,
  isLocation,
  labelViolations,
  regionOf,
} from './validation';

/*
 * Container (GKE) v1 clusters and operations
 * (googleapis google/container/v1/cluster_service.proto). Operations are not
 * google.longrunning: the caller polls `getOperation` until status DONE. A
 * cluster whose creation is done becomes a live Kubernetes imitation through
 * the cluster host; deleting it stops that.
 */

const SERVICE = 'container.googleapis.com';

function projectFor(api: GcpApi, call: GcpCall, permission: string) {
  const id = call.ctx.params.project;
  const p = requireActiveProject(
    api,
    call,
    id,
    `Required "${permission}" permission(s) for "projects/${id}".`,
  );
  requireServiceEnabled(p, SERVICE);
  return p;
}

function locationOf(call: GcpCall, allowAll: boolean): string {
  const location = call.ctx.params.location;
  if ((allowAll && location === '-') || isLocation(location)) return location;
  throw invalidArgument(
    [
      {
        field: 'parent',
        description: `Location "${location}" does not exist.`,
      },
    ],
    `Location "${location}" does not exist.`,
  );
}

function clusterPath(p: ProjectRecord, location: string, name: string) {
  return `projects/${p.projectId}/locations/${location}/clusters/${name}`;
}

function nameViolation(field: string, value: unknown): FieldViolation[] {
  if (typeof value === 'string' && CLUSTER_NAME_RE.test(value)) return [];
  return [
    {
      field,
      description: `Invalid value for field "${field}": "${String(
        value ?? '',
      )}". Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)' (only alphanumerics and '-' allowed, must start with a letter and end with an alphanumeric, and must be no longer than 40 characters).`,
    },
  ];
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The cluster of a create request, validated as GKE validates it. */
function clusterFromRequest(
  body: Record<string, unknown>,
  p: ProjectRecord,
  location: string,
): ClusterRecord {
  if (!isObject(body.cluster)) {
    throw invalidArgument([
      { field: 'cluster', description: 'Cluster must be specified.' },
    ]);
  }
  const c = body.cluster;
  const violations: FieldViolation[] = [];
  if (c.name === undefined || c.name === '') {
    violations.push({
      field: 'cluster.name',
      description: 'Cluster.name must be specified.',
    });
  } else {
    violations.push(...nameViolation('cluster.name', c.name));
  }
  violations.push(
    ...labelViolations(c.resourceLabels, 'cluster.resource_labels'),
  );
  const nodeConfig = isObject(c.nodeConfig) ? c.nodeConfig : {};
  const rawPools = Array.isArray(c.nodePools) ? c.nodePools : [];
  if (rawPools.length && numberOr(c.initialNodeCount, 0) > 0) {
    violations.push({
      field: 'cluster.initial_node_count',
      description:
        'Cluster.initial_node_count must not be set when node_pools are specified.',
    });
  }
  const pools: NodePoolRecord[] = rawPools.length
    ? rawPools.map((raw: unknown, i) => {
        const np = isObject(raw) ? raw : {};
        const field = `cluster.node_pools[${i}]`;
        violations.push(...nameViolation(`${field}.name`, np.name));
        const config = isObject(np.config) ? np.config : {};
        const auto = isObject(np.autoscaling) ? np.autoscaling : undefined;
        const initial = numberOr(np.initialNodeCount, 0);
        if (initial < 0) {
          violations.push({
            field: `${field}.initial_node_count`,
            description: 'initial_node_count must be >= 0.',
          });
        }
        const autoscaling = auto?.enabled
          ? {
              enabled: true,
              minNodeCount: numberOr(auto.minNodeCount, 0),
              maxNodeCount: numberOr(auto.maxNodeCount, 0),
            }
          : undefined;
        if (
          autoscaling &&
          (autoscaling.maxNodeCount < 1 ||
            autoscaling.minNodeCount < 0 ||
            autoscaling.minNodeCount > autoscaling.maxNodeCount)
        ) {
          violations.push({
            field: `${field}.autoscaling`,
            description:
              'Autoscaling needs 0 <= min_node_count <= max_node_count and max_node_count >= 1.',
          });
        }
        if (initial === 0 && !autoscaling) {
          violations.push({
            field: `${field}.initial_node_count`,
            description:
              'A node pool without autoscaling must have initial_node_count >= 1.',
          });
        }
        return {
          name: String(np.name ?? ''),
          machineType: String(config.machineType ?? 'e2-medium'),
          diskSizeGb: numberOr(config.diskSizeGb, 100),
          initialNodeCount: initial,
          ...(autoscaling ? { autoscaling } : {}),
          status: 'PROVISIONING' as const,
          version: GKE_VERSION,
        };
      })
    : [
        {
          name: 'default-pool',
          machineType: String(nodeConfig.machineType ?? 'e2-medium'),
          diskSizeGb: numberOr(nodeConfig.diskSizeGb, 100),
          initialNodeCount: numberOr(c.initialNodeCount, 3) || 3,
          status: 'PROVISIONING' as const,
          version: GKE_VERSION,
        },
      ];
  const poolNames = pools.map(x => x.name);
  poolNames.forEach((n, i) => {
    if (n && poolNames.indexOf(n) !== i) {
      violations.push({
        field: `cluster.node_pools[${i}].name`,
        description: `Node pool name "${n}" is used more than once.`,
      });
    }
  });
  const channelRaw = isObject(c.releaseChannel)
    ? c.releaseChannel.channel
    : undefined;
  const channel =
    channelRaw === undefined
      ? 'REGULAR'
      : decodeEnum(RELEASE_CHANNEL, channelRaw);
  if (!channel) {
    violations.push({
      field: 'cluster.release_channel.channel',
      description: `Unknown release channel ${String(channelRaw)}.`,
    });
  }
  if (violations.length) throw invalidArgument(violations);
  const privateConfig = isObject(c.privateClusterConfig)
    ? c.privateClusterConfig
    : {};
  return {
    project: p.projectId,
    location,
    name: c.name as string,
    id: randomBytes(16).toString('hex'),
    description: typeof c.description === 'string' ? c.description : '',
    status: 'PROVISIONING',
    statusMessage: '',
    createTime: nowIso(),
    nodePools: pools,
    releaseChannel: channel === 'UNSPECIFIED' ? 'REGULAR' : channel!,
    privateNodes: privateConfig.enablePrivateNodes === true,
    resourceLabels: {
      ...((c.resourceLabels as Record<string, string> | undefined) ?? {}),
    },
    network: typeof c.network === 'string' && c.network ? c.network : 'default',
    subnetwork:
      typeof c.subnetwork === 'string' && c.subnetwork
        ? c.subnetwork
        : 'default',
    currentMasterVersion: GKE_VERSION,
    endpoint: '',
    kubernetesName: '',
  };
}

function runningOperation(api: GcpApi, c: ClusterRecord) {
  return api.store.state.operations.find(
    o =>
      !o.done &&
      o.project === c.project &&
      o.location === c.location &&
      o.cluster === c.name,
  );
}

function sendOperation(api: GcpApi, call: GcpCall, op: OperationRecord) {
  const project = api.store.project(op.project);
  const cluster = api.store.cluster(
    op.project,
    op.location ?? '',
    op.cluster ?? '',
  );
  send(
    call,
    renderContainerOperation(op, project, cluster, api.operations, call.style),
  );
}

function newOperationName(): string {
  return `operation-${Date.now()}-${randomBytes(4).toString('hex')}`;
}

async function createCluster(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'container.clusters.create');
  const location = locationOf(call, false);
  const cluster = clusterFromRequest(await readJson(call.ctx), p, location);
  if (api.store.cluster(p.projectId, location, cluster.name)) {
    throw gcpError(
      'ALREADY_EXISTS',
      `Already exists: ${clusterPath(p, location, cluster.name)}.`,
    );
  }
  api.store.state.clusters.push(cluster);
  const op = api.operations.start({
    name: newOperationName(),
    kind: 'createCluster',
    project: p.projectId,
    principal: call.principal.member,
    cluster: cluster.name,
    location,
  });
  sendOperation(api, call, op);
}

function findCluster(api: GcpApi, call: GcpCall, p: ProjectRecord) {
  const location = locationOf(call, false);
  const c = api.store.cluster(p.projectId, location, call.ctx.params.cluster);
  if (!c) {
    throw gcpError(
      'NOT_FOUND',
      `Not found: ${clusterPath(p, location, call.ctx.params.cluster)}.`,
    );
  }
  return c;
}

function deleteCluster(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'container.clusters.delete');
  const c = findCluster(api, call, p);
  const running = runningOperation(api, c);
  if (running) {
    throw gcpError(
      'FAILED_PRECONDITION',
      `Cluster is running incompatible operation ${running.name}.`,
    );
  }
  c.status = 'STOPPING';
  for (const pool of c.nodePools) pool.status = 'STOPPING';
  const op = api.operations.start({
    name: newOperationName(),
    kind: 'deleteCluster',
    project: p.projectId,
    principal: call.principal.member,
    cluster: c.name,
    location: c.location,
  });
  sendOperation(api, call, op);
}

function listClusters(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'container.clusters.list');
  const location = locationOf(call, true);
  const clusters = api.store.state.clusters
    .filter(
      c =>
        c.project === p.projectId &&
        (location === '-' || c.location === location),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  send(
    call,
    clusters.length
      ? {
          clusters: clusters.map(c =>
            renderCluster(c, api.tls.caPem, call.style),
          ),
        }
      : {},
  );
}

function getOperation(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'container.operations.get');
  const location = locationOf(call, false);
  const op = api.store.operation(call.ctx.params.operation);
  if (
    !op ||
    op.project !== p.projectId ||
    op.location !== location ||
    (op.kind !== 'createCluster' && op.kind !== 'deleteCluster')
  ) {
    throw gcpError(
      'NOT_FOUND',
      `Not found: projects/${p.projectId}/locations/${location}/operations/${call.ctx.params.operation}.`,
    );
  }
  sendOperation(api, call, op);
}

function listOperations(api: GcpApi, call: GcpCall) {
  const p = projectFor(api, call, 'container.operations.list');
  const location = locationOf(call, true);
  const ops = api.store.state.operations.filter(
    o =>
      (o.kind === 'createCluster' || o.kind === 'deleteCluster') &&
      o.project === p.projectId &&
      (location === '-' || o.location === location),
  );
  send(
    call,
    ops.length
      ? {
          operations: ops.map(op =>
            renderContainerOperation(
              op,
              p,
              api.store.cluster(
                op.project,
                op.location ?? '',
                op.cluster ?? '',
              ),
              api.operations,
              call.style,
            ),
          ),
        }
      : {},
  );
}

/** The name of the Kubernetes imitation for a new cluster: its own, unless a sandbox cluster has it. */
function kubernetesNameFor(api: GcpApi, c: ClusterRecord): string {
  const host = api.clusterHost;
  if (!host) return c.name;
  const candidates = [c.name, `gke_${c.project}_${c.location}_${c.name}`];
  for (const n of candidates) if (!host.lookup(n)) return n;
  for (let i = 2; ; i++) {
    const n = `${candidates[1]}_${i}`;
    if (!host.lookup(n)) return n;
  }
}

/** The labels the sandbox gives a cluster's Kubernetes imitation. */
export function kubernetesLabels(c: ClusterRecord): Record<string, string> {
  return { region: regionOf(c.location), ...c.resourceLabels };
}

export function endpointOf(url: string): string {
  return new URL(url).host;
}

export function registerContainerOperations(api: GcpApi) {
  api.operations.on('createCluster', {
    succeed: async op => {
      const c = api.store.cluster(
        op.project,
        op.location ?? '',
        op.cluster ?? '',
      );
      if (!c) throw new Error(`cluster ${op.cluster} is gone`);
      if (api.clusterHost) {
        const name = kubernetesNameFor(api, c);
        const live = await api.clusterHost.start({
          name,
          labels: kubernetesLabels(c),
        });
        c.kubernetesName = name;
        c.endpoint = endpointOf(live.url);
      }
      c.status = 'RUNNING';
      for (const pool of c.nodePools) pool.status = 'RUNNING';
    },
    fail: op => {
      const c = api.store.cluster(
        op.project,
        op.location ?? '',
        op.cluster ?? '',
      );
      if (!c) return;
      c.status = 'ERROR';
      c.statusMessage = op.error?.message ?? 'cluster creation failed';
      for (const pool of c.nodePools) pool.status = 'ERROR';
    },
  });
  api.operations.on('deleteCluster', {
    succeed: async op => {
      const c = api.store.cluster(
        op.project,
        op.location ?? '',
        op.cluster ?? '',
      );
      if (!c) return;
      if (c.kubernetesName && api.clusterHost?.lookup(c.kubernetesName)) {
        await api.clusterHost.stop(c.kubernetesName);
      }
      const clusters = api.store.state.clusters;
      clusters.splice(clusters.indexOf(c), 1);
    },
    fail: op => {
      const c = api.store.cluster(
        op.project,
        op.location ?? '',
        op.cluster ?? '',
      );
      if (!c) return;
      c.status = 'ERROR';
      c.statusMessage = op.error?.message ?? 'cluster deletion failed';
    },
  });
}

export function containerRoutes(api: GcpApi): GcpRoute[] {
  const base = '/v1/projects/{project}/locations/{location}';
  return [
    {
      method: 'POST',
      pattern: `${base}/clusters`,
      handler: c => createCluster(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/clusters`,
      handler: c => listClusters(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/clusters/{cluster}`,
      handler: c => {
        const p = projectFor(api, c, 'container.clusters.get');
        send(c, renderCluster(findCluster(api, c, p), api.tls.caPem, c.style));
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/clusters/{cluster}`,
      handler: c => deleteCluster(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/operations`,
      handler: c => listOperations(api, c),
    },
    {
      method: 'GET',
      pattern: `${base}/operations/{operation}`,
      handler: c => getOperation(api, c),
    },
  ];
}
