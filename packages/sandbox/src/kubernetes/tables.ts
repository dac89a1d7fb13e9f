import type { KindInfo } from './kinds';
import type { KubeObject } from './types';

/** True when the client asked for server-side printing (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.includes('as=Table');
}

function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

type Column = {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
};

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
};
const AGE: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};

/** The spec fields the printers read, across the kinds they print (objects are as written: all optional). */
interface PrintedSpec {
  containers?: unknown[];
  nodeName?: string;
  replicas?: number;
  type?: string;
  clusterIP?: string;
  ports?: { port?: number; protocol?: string }[];
}

/** The status fields the printers read. */
interface PrintedStatus {
  containerStatuses?: {
    ready?: boolean;
    restartCount?: number;
    state?: { waiting?: { reason?: string } };
  }[];
  phase?: string;
  podIP?: string;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  conditions?: { type?: string; status?: string; message?: string }[];
}

/** An Event in either shape: core/v1 and events.k8s.io/v1 (see ./events.ts). */
interface PrintedEvent {
  involvedObject?: { kind?: string; name?: string };
  regarding?: { kind?: string; name?: string };
  series?: { lastObservedTime?: string };
  lastTimestamp?: string;
  deprecatedLastTimestamp?: string;
  eventTime?: string;
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
}

function columnsAndCells(info: KindInfo, o: KubeObject): [Column[], unknown[]] {
  const spec = (o.spec ?? {}) as PrintedSpec;
  const status = (o.status ?? {}) as PrintedStatus;
  const created = age(o.metadata.creationTimestamp);
  switch (info.kind) {
    case 'Pod': {
      const cs = status.containerStatuses ?? [];
      const total = (spec.containers ?? []).length;
      const ready = cs.filter(c => c.ready).length;
      const restarts = cs.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      const waiting = cs.find(c => c.state?.waiting)?.state?.waiting?.reason;
      const phase = o.metadata.deletionTimestamp
        ? 'Terminating'
        : waiting ?? status.phase ?? 'Pending';
      return [
        [
          NAME,
          {
            name: 'Ready',
            type: 'string',
            description:
              'The aggregate readiness state of this pod for accepting traffic.',
            priority: 0,
          },
          {
            name: 'Status',
            type: 'string',
            description: 'The aggregate status of the containers in this pod.',
            priority: 0,
          },
          {
            name: 'Restarts',
            type: 'string',
            description:
              'The number of times the containers in this pod have been restarted.',
            priority: 0,
          },
          AGE,
          {
            name: 'IP',
            type: 'string',
            description: 'IP address allocated to the pod.',
            priority: 1,
          },
          {
            name: 'Node',
            type: 'string',
            description: 'Name of the node the pod is assigned to.',
            priority: 1,
          },
        ],
        [
          o.metadata.name,
          `${ready}/${total}`,
          phase,
          String(restarts),
          created,
          status.podIP ?? '<none>',
          spec.nodeName ?? '<none>',
        ],
      ];
    }
    case 'Deployment':
      return [
        [
          NAME,
          {
            name: 'Ready',
            type: 'string',
            description: 'Number of the pod with ready state',
            priority: 0,
          },
          {
            name: 'Up-to-date',
            type: 'integer',
            description:
              'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
            priority: 0,
          },
          {
            name: 'Available',
            type: 'integer',
            description:
              'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
            priority: 0,
          },
          AGE,
        ],
        [
          o.metadata.name,
          `${status.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
          status.updatedReplicas ?? 0,
          status.availableReplicas ?? 0,
          created,
        ],
      ];
    case 'ReplicaSet':
      return [
        [
          NAME,
          {
            name: 'Desired',
            type: 'integer',
            description: 'Replicas is the number of desired replicas.',
            priority: 0,
          },
          {
            name: 'Current',
            type: 'integer',
            description:
              'Replicas is the most recently oberved number of replicas.',
            priority: 0,
          },
          {
            name: 'Ready',
            type: 'integer',
            description: 'The number of ready replicas for this replica set.',
            priority: 0,
          },
          AGE,
        ],
        [
          o.metadata.name,
          spec.replicas ?? 1,
          status.replicas ?? 0,
          status.readyReplicas ?? 0,
          created,
        ],
      ];
    case 'Namespace':
      return [
        [
          NAME,
          {
            name: 'Status',
            type: 'string',
            description: 'The status of the namespace',
            priority: 0,
          },
          AGE,
        ],
        [o.metadata.name, status.phase ?? 'Active', created],
      ];
    case 'Service':
      return [
        [
          NAME,
          {
            name: 'Type',
            type: 'string',
            description: 'The type of the service.',
            priority: 0,
          },
          {
            name: 'Cluster-IP',
            type: 'string',
            description: 'The cluster IP of the service.',
            priority: 0,
          },
          {
            name: 'Ports',
            type: 'string',
            description: 'The ports of the service.',
            priority: 0,
          },
          AGE,
        ],
        [
          o.metadata.name,
          spec.type ?? 'ClusterIP',
          spec.clusterIP ?? '<none>',
          (spec.ports ?? [])
            .map(p => `${p.port}/${p.protocol ?? 'TCP'}`)
            .join(',') || '<none>',
          created,
        ],
      ];
    case 'Event': {
      // Both shapes: core/v1 and events.k8s.io/v1 (see ./events.ts); printers/internalversion.
      const e = o as PrintedEvent;
      const about = e.involvedObject ?? e.regarding ?? {};
      const last =
        e.series?.lastObservedTime ??
        e.lastTimestamp ??
        e.deprecatedLastTimestamp ??
        e.eventTime ??
        o.metadata.creationTimestamp;
      const column = (name: string, description: string, priority = 0) => ({
        name,
        type: 'string',
        description,
        priority,
      });
      return [
        [
          column('Last Seen', 'Time when this Event was last seen'),
          column(
            'Type',
            'Type of this event (Normal, Warning), new types could be added in the future.',
          ),
          column(
            'Reason',
            "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
          ),
          column('Object', 'The object that this event is about.'),
          column(
            'Message',
            'A human-readable description of the status of this operation.',
          ),
        ],
        [
          age(last),
          e.type ?? '',
          e.reason ?? '',
          `${String(about.kind ?? '').toLowerCase()}/${about.name ?? ''}`,
          e.message ?? e.note ?? '',
        ],
      ];
    }
    default: {
      const ready = (status.conditions ?? []).find(c => c.type === 'Ready');
      if (info.crd && ready) {
        return [
          [
            NAME,
            {
              name: 'Ready',
              type: 'string',
              description: 'Ready condition',
              priority: 0,
            },
            {
              name: 'Status',
              type: 'string',
              description: 'Ready message',
              priority: 0,
            },
            AGE,
          ],
          [o.metadata.name, ready.status, ready.message ?? '', created],
        ];
      }
      return [
        [NAME, AGE],
        [o.metadata.name, created],
      ];
    }
  }
}

/** The ListMeta a Table carries: a chunked list keeps `continue` (kubectl follows it). */
export interface TableListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * A meta.k8s.io/v1 Table, as the server answers `kubectl get`. Like the real
 * server's table convertor (apiserver/pkg/registry/rest/table.go and
 * printers/tablegenerator.go copy the list's ListMeta into Table.metadata),
 * a list's `continue` and `remainingItemCount` carry over.
 */
export function toTable(
  info: KindInfo,
  items: KubeObject[],
  listMeta: TableListMeta | string,
  includeObjectMeta = true,
) {
  const metadata =
    typeof listMeta === 'string' ? { resourceVersion: listMeta } : listMeta;
  let columns: Column[] = columnsAndCells(info, { metadata: {} })[0];
  const rows = items.map(o => {
    const [cols, cells] = columnsAndCells(info, o);
    columns = cols;
    return {
      cells,
      object: includeObjectMeta
        ? {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: o.metadata,
          }
        : undefined,
    };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: columns,
    rows,
  };
}

/** A Table as `toTable` builds it (and a client reads it). */
export type Table = ReturnType<typeof toTable>;
