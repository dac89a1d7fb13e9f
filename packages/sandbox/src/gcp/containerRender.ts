import {
  CLUSTER_STATUS,
  CONTAINER_OPERATION_STATUS,
  CONTAINER_OPERATION_TYPE,
  EnumStyle,
  NODE_POOL_STATUS,
  RELEASE_CHANNEL,
  encodeEnum,
} from './enums';
import { operationErrorStatus } from './render';
import type { OperationRunner } from './operations';
import type { ClusterRecord, OperationRecord, ProjectRecord } from './types';
import { REGIONS } from './validation';

/*
 * Container v1 resources as the REST API answers them
 * (googleapis google/container/v1/cluster_service.proto): its own Operation
 * (status PENDING → RUNNING → DONE, progress, error), Cluster and NodePool.
 */

const API = 'https://container.googleapis.com/v1';

/** The zones a cluster's nodes run in: three for a region, the zone itself for a zonal cluster. */
export function nodeLocations(location: string): string[] {
  return REGIONS.includes(location)
    ? ['b', 'c', 'd'].map(z => `${location}-${z}`)
    : [location];
}

export function nodeCount(c: ClusterRecord): number {
  const zones = nodeLocations(c.location).length;
  return c.nodePools.reduce((n, p) => n + p.initialNodeCount * zones, 0);
}

export function clusterSelfLink(c: ClusterRecord): string {
  return `${API}/projects/${c.project}/locations/${c.location}/clusters/${c.name}`;
}

export function renderCluster(
  c: ClusterRecord,
  caPem: string,
  style: EnumStyle,
) {
  const defaultPool = c.nodePools[0];
  const locations = nodeLocations(c.location);
  return {
    name: c.name,
    ...(c.description ? { description: c.description } : {}),
    nodeConfig: defaultPool
      ? {
          machineType: defaultPool.machineType,
          diskSizeGb: defaultPool.diskSizeGb,
          imageType: 'COS_CONTAINERD',
        }
      : undefined,
    masterAuth: {
      clusterCaCertificate: Buffer.from(caPem).toString('base64'),
    },
    loggingService: 'logging.googleapis.com/kubernetes',
    monitoringService: 'monitoring.googleapis.com/kubernetes',
    network: c.network,
    subnetwork: c.subnetwork,
    clusterIpv4Cidr: '10.4.0.0/14',
    nodePools: c.nodePools.map(p => ({
      name: p.name,
      config: {
        machineType: p.machineType,
        diskSizeGb: p.diskSizeGb,
        imageType: 'COS_CONTAINERD',
      },
      initialNodeCount: p.initialNodeCount,
      ...(p.autoscaling ? { autoscaling: p.autoscaling } : {}),
      locations,
      selfLink: `${clusterSelfLink(c)}/nodePools/${p.name}`,
      version: p.version,
      status: encodeEnum(NODE_POOL_STATUS, p.status, style),
      podIpv4CidrSize: 24,
    })),
    locations,
    resourceLabels: c.resourceLabels,
    privateClusterConfig: { enablePrivateNodes: c.privateNodes },
    releaseChannel: {
      channel: encodeEnum(RELEASE_CHANNEL, c.releaseChannel, style),
    },
    selfLink: clusterSelfLink(c),
    zone: c.location,
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    initialClusterVersion: c.currentMasterVersion,
    currentMasterVersion: c.currentMasterVersion,
    currentNodeVersion: c.currentMasterVersion,
    createTime: c.createTime,
    status: encodeEnum(CLUSTER_STATUS, c.status, style),
    ...(c.statusMessage ? { statusMessage: c.statusMessage } : {}),
    servicesIpv4Cidr: '34.118.224.0/20',
    currentNodeCount: c.status === 'RUNNING' ? nodeCount(c) : 0,
    location: c.location,
    id: c.id,
  };
}

/** The stages of a cluster creation, with the share of its time each takes. */
const CREATE_STAGES: Array<[string, number, number]> = [
  ['CLUSTER_CONFIGURING', 0, 0.2],
  ['CLUSTER_DEPLOYING', 0.2, 0.8],
  ['CLUSTER_HEALTHCHECKING', 0.8, 1],
];

/** Until this share of its time, an operation is PENDING. */
const PENDING_SHARE = 0.1;

type OpStatus = keyof typeof CONTAINER_OPERATION_STATUS;

function statusAt(fraction: number, done: boolean): OpStatus {
  if (done) return 'DONE';
  return fraction < PENDING_SHARE ? 'PENDING' : 'RUNNING';
}

function progressOf(
  op: OperationRecord,
  fraction: number,
  total: number,
  style: EnumStyle,
) {
  const stageStatus = (from: number, to: number): OpStatus => {
    if (op.done || fraction >= to) return 'DONE';
    return fraction >= from ? 'RUNNING' : 'PENDING';
  };
  if (op.kind === 'createCluster') {
    return {
      metrics: [
        // The pair the proto's own comment gives as its example; int64 is a string in JSON.
        { name: 'nodes done', intValue: String(Math.floor(fraction * total)) },
        { name: 'nodes total', intValue: String(total) },
      ],
      stages: CREATE_STAGES.map(([name, from, to]) => ({
        name,
        status: encodeEnum(
          CONTAINER_OPERATION_STATUS,
          stageStatus(from, to),
          style,
        ),
      })),
    };
  }
  return {
    metrics: [
      { name: 'nodes done', intValue: String(Math.floor(fraction * total)) },
      { name: 'nodes total', intValue: String(total) },
    ],
  };
}

export function renderContainerOperation(
  op: OperationRecord,
  project: ProjectRecord | undefined,
  cluster: ClusterRecord | undefined,
  runner: OperationRunner,
  style: EnumStyle,
) {
  const fraction = runner.progressOf(op);
  const location = op.location ?? '';
  const total = cluster ? nodeCount(cluster) : 0;
  const failed = op.done && op.outcome === 'fail';
  return {
    name: op.name,
    zone: location,
    operationType: encodeEnum(
      CONTAINER_OPERATION_TYPE,
      op.kind === 'createCluster' ? 'CREATE_CLUSTER' : 'DELETE_CLUSTER',
      style,
    ),
    status: encodeEnum(
      CONTAINER_OPERATION_STATUS,
      statusAt(fraction, op.done),
      style,
    ),
    ...(failed
      ? {
          statusMessage: op.error?.message ?? '',
          error: operationErrorStatus(op),
        }
      : {}),
    selfLink: `${API}/projects/${
      project?.number ?? op.project
    }/locations/${location}/operations/${op.name}`,
    targetLink: `${API}/projects/${
      project?.number ?? op.project
    }/locations/${location}/clusters/${op.cluster}`,
    location,
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    progress: progressOf(op, fraction, total, style),
  };
}
