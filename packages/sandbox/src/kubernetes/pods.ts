import { createHash } from 'node:crypto';
import { isPlainObject } from './patch';
import type {
  ContainerStatus,
  ManagedFieldsEntry,
  OwnerReference,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
} from './types';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter(k => v[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Encodes a number in the alphabet Kubernetes uses for generated names. */
export function safeEncode(n: number, length = 10): string {
  let s = '';
  let x = n;
  while (s.length < length) {
    s += SAFE_ALPHABET[x % SAFE_ALPHABET.length];
    x = Math.floor(x / SAFE_ALPHABET.length) || fnv32a(s);
  }
  return s;
}

/** `pod-template-hash` of a pod template, stable across restarts. */
export function podTemplateHash(template: unknown): string {
  const copy = JSON.parse(JSON.stringify(template ?? {}));
  if (copy?.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return safeEncode(fnv32a(canonical(copy)), 10);
}

/** A stable short suffix derived from a seed (`abc12`). */
export function stableSuffix(seed: string, length = 5): string {
  const digest = createHash('sha1').update(seed).digest();
  let s = '';
  for (let i = 0; i < length; i++)
    s += SAFE_ALPHABET[digest[i] % SAFE_ALPHABET.length];
  return s;
}

export function nodeNames(cluster: string, count = 3): string[] {
  const pool = stableSuffix(`${cluster}-pool`, 8);
  return Array.from({ length: count }, (_, i) =>
    `gke-${cluster}-default-pool-${pool}-${stableSuffix(
      `${cluster}-${i}`,
      4,
    )}`.slice(0, 63),
  );
}

export function pickNode(nodes: string[], podName: string): string {
  return nodes[fnv32a(podName) % nodes.length];
}

export function podIp(seed: string): string {
  const h = fnv32a(seed);
  return `10.${20 + (h % 8)}.${(h >>> 8) % 256}.${2 + ((h >>> 16) % 250)}`;
}

function hostIp(node: string): string {
  const h = fnv32a(node);
  return `10.128.0.${2 + (h % 250)}`;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

type PodPhase = 'Pending' | 'Scheduled' | 'Running' | 'Ready';

/** Fills in what the API server's defaulting and the service-account admission add to a pod spec. */
export function defaultPodSpec(spec: PodSpec, tokenVolume: string): PodSpec {
  const containers = (spec.containers ?? []).map(c => ({
    ...c,
    imagePullPolicy:
      c.imagePullPolicy ??
      (String(c.image).endsWith(':latest') ? 'Always' : 'IfNotPresent'),
    resources: c.resources ?? {},
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    ports: c.ports?.map(p => ({
      protocol: 'TCP',
      ...p,
    })),
    volumeMounts: [
      ...(c.volumeMounts ?? []),
      {
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
        name: tokenVolume,
        readOnly: true,
      },
    ],
  }));
  return {
    ...spec,
    containers,
    dnsPolicy: spec.dnsPolicy ?? 'ClusterFirst',
    enableServiceLinks: spec.enableServiceLinks ?? true,
    preemptionPolicy: spec.preemptionPolicy ?? 'PreemptLowerPriority',
    priority: spec.priority ?? 0,
    restartPolicy: spec.restartPolicy ?? 'Always',
    schedulerName: spec.schedulerName ?? 'default-scheduler',
    securityContext: spec.securityContext ?? {},
    serviceAccount: spec.serviceAccountName ?? 'default',
    serviceAccountName: spec.serviceAccountName ?? 'default',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    tolerations: spec.tolerations ?? [
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        tolerationSeconds: 300,
      },
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        tolerationSeconds: 300,
      },
    ],
    volumes: [
      ...(spec.volumes ?? []),
      {
        name: tokenVolume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            {
              configMap: {
                items: [{ key: 'ca.crt', path: 'ca.crt' }],
                name: 'kube-root-ca.crt',
              },
            },
            {
              downwardAPI: {
                items: [
                  {
                    fieldRef: {
                      apiVersion: 'v1',
                      fieldPath: 'metadata.namespace',
                    },
                    path: 'namespace',
                  },
                ],
              },
            },
          ],
        },
      },
    ],
  };
}

/** The status of a pod at a point of its life: Pending → Scheduled (creating) → Running → Ready. */
export function podStatus(opts: {
  spec: PodSpec;
  phase: PodPhase;
  name: string;
  uid?: string;
  startTime?: string;
  restartCount?: number;
}): PodStatus {
  const { spec, phase, name } = opts;
  const t = opts.startTime ?? now();
  if (phase === 'Pending') {
    return {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: t,
          reason: 'Unschedulable',
          message: '0/3 nodes are available: waiting for scheduling.',
        },
      ],
      qosClass: 'Burstable',
    };
  }
  const running = phase === 'Running' || phase === 'Ready';
  const ready = phase === 'Ready';
  const node = spec.nodeName as string;
  const ip = podIp(`${name}`);
  const cond = (
    type: string,
    status: boolean,
    extra: Partial<PodCondition> = {},
  ): PodCondition => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: t,
    ...extra,
  });
  const notReady = (names: string[]) => ({
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${names.join(' ')}]`,
  });
  const names = (spec.containers ?? []).map(c => c.name);
  return {
    phase: running ? 'Running' : 'Pending',
    conditions: [
      cond('PodReadyToStartContainers', running),
      cond('Initialized', true),
      cond('Ready', ready, ready ? {} : notReady(names)),
      cond('ContainersReady', ready, ready ? {} : notReady(names)),
      cond('PodScheduled', true),
    ],
    hostIP: hostIp(node),
    hostIPs: [{ ip: hostIp(node) }],
    ...(running ? { podIP: ip, podIPs: [{ ip }] } : {}),
    qosClass: 'Burstable',
    startTime: t,
    containerStatuses: (spec.containers ?? []).map(
      (c, i): ContainerStatus => ({
        name: c.name,
        image: c.image!,
        imageID: running
          ? `${String(c.image).split(':')[0]}@sha256:${createHash('sha256')
              .update(String(c.image))
              .digest('hex')}`
          : '',
        ...(running
          ? {
              containerID: `containerd://${createHash('sha256')
                .update(`${name}/${c.name}/${i}`)
                .digest('hex')}`,
            }
          : {}),
        lastState: {},
        ready,
        restartCount: opts.restartCount ?? 0,
        started: running,
        state: running
          ? { running: { startedAt: t } }
          : { waiting: { reason: 'ContainerCreating' } },
        volumeMounts: (c.volumeMounts ?? []).map(m => ({
          mountPath: m.mountPath,
          name: m.name,
          ...(m.readOnly
            ? { readOnly: true, recursiveReadOnly: 'Disabled' }
            : {}),
        })),
      }),
    ),
  };
}

const CONTROLLER_FIELDS: ManagedFieldsEntry['fieldsV1'] = {
  'f:metadata': {
    'f:generateName': {},
    'f:labels': {
      '.': {},
      'f:app.kubernetes.io/name': {},
      'f:pod-template-hash': {},
    },
    'f:ownerReferences': { '.': {} },
  },
  'f:spec': {
    'f:containers': {},
    'f:dnsPolicy': {},
    'f:enableServiceLinks': {},
    'f:restartPolicy': {},
    'f:schedulerName': {},
    'f:securityContext': {},
    'f:terminationGracePeriodSeconds': {},
  },
};

const KUBELET_FIELDS: ManagedFieldsEntry['fieldsV1'] = {
  'f:status': {
    'f:conditions': {
      'k:{"type":"ContainersReady"}': {
        '.': {},
        'f:lastProbeTime': {},
        'f:lastTransitionTime': {},
        'f:status': {},
        'f:type': {},
      },
      'k:{"type":"Initialized"}': {
        '.': {},
        'f:lastProbeTime': {},
        'f:lastTransitionTime': {},
        'f:status': {},
        'f:type': {},
      },
      'k:{"type":"PodReadyToStartContainers"}': {
        '.': {},
        'f:lastProbeTime': {},
        'f:lastTransitionTime': {},
        'f:status': {},
        'f:type': {},
      },
      'k:{"type":"Ready"}': {
        '.': {},
        'f:lastProbeTime': {},
        'f:lastTransitionTime': {},
        'f:status': {},
        'f:type': {},
      },
    },
    'f:containerStatuses': {},
    'f:hostIP': {},
    'f:hostIPs': {},
    'f:phase': {},
    'f:podIP': {},
    'f:podIPs': { '.': {}, 'k:{"ip":"0.0.0.0"}': { '.': {}, 'f:ip': {} } },
    'f:startTime': {},
  },
};

/**
 * A pod as a ReplicaSet's controller, the scheduler and the kubelet would
 * leave it: full spec defaults, status and managedFields — 5–7 KB of JSON,
 * like a real one.
 */
export function podFromTemplate(opts: {
  template: PodTemplateSpec;
  name: string;
  namespace: string;
  generateName?: string;
  owner?: OwnerReference;
  phase: PodPhase;
  nodeName?: string;
  startTime?: string;
  creationTimestamp?: string;
  restartCount?: number;
  /** Shared managedFields entries (benchmarks share them between pods to save memory). */
  managedFields?: ManagedFieldsEntry[];
  /** A pre-defaulted spec to share between pods (must already hold nodeName when scheduled). */
  spec?: PodSpec;
}): Pod {
  const { template, name, namespace, phase } = opts;
  const tokenVolume = `kube-api-access-${stableSuffix(name, 5)}`;
  let spec =
    opts.spec ??
    defaultPodSpec(template.spec ?? { containers: [] }, tokenVolume);
  if (phase !== 'Pending' && opts.nodeName && !opts.spec)
    spec = { ...spec, nodeName: opts.nodeName };
  const t = opts.creationTimestamp ?? now();
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(opts.generateName ? { generateName: opts.generateName } : {}),
      namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations
        ? { annotations: { ...template.metadata.annotations } }
        : {}),
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
      creationTimestamp: t,
      ...(opts.managedFields ? { managedFields: opts.managedFields } : {}),
    },
    spec,
    status: podStatus({
      spec,
      phase,
      name,
      startTime: opts.startTime ?? t,
      restartCount: opts.restartCount,
    }),
  };
}

/** Managed-fields entries like a real pod's (controller + kubelet), shareable between pods. */
export function podManagedFields(time: string): ManagedFieldsEntry[] {
  return [
    {
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: CONTROLLER_FIELDS,
    },
    {
      manager: 'kubelet',
      operation: 'Update',
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: KUBELET_FIELDS,
      subresource: 'status',
    },
  ];
}
