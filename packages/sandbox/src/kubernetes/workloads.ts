import { randomUUID } from 'node:crypto';
import {
  nodeNames,
  pickNode,
  podFromTemplate,
  podManagedFields,
  podTemplateHash,
  stableSuffix,
} from './pods';
import type {
  Deployment,
  DeploymentSpec,
  KubeObject,
  OwnerReference,
  PodSpec,
  PodTemplateSpec,
  ReplicaSet,
} from './types';

export interface WorkloadOptions {
  namespace: string;
  /** Deployment name. */
  name: string;
  image: string;
  replicas: number;
  /** Labels on the Deployment, its selector and pod template. */
  labels: Record<string, string>;
  /** Labels only on the Deployment (not the pods). */
  deploymentLabels?: Record<string, string>;
  containerPort?: number;
  env?: Array<{ name: string; value: string }>;
  /** Annotations on the pod template (Vault Agent injector annotations in the demo). */
  podAnnotations?: Record<string, string>;
  /** The container's command (the image's entrypoint when absent). */
  command?: string[];
}

/** A realistic pod template: ports, resources, probes, env, a config volume. */
export function podTemplate(o: WorkloadOptions): PodTemplateSpec {
  const port = o.containerPort ?? 8080;
  return {
    metadata: {
      labels: { ...o.labels },
      ...(o.podAnnotations ? { annotations: { ...o.podAnnotations } } : {}),
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: o.image,
          ...(o.command ? { command: o.command } : {}),
          ports: [
            { name: 'http', containerPort: port, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'PORT', value: String(port) },
            { name: 'LOG_FORMAT', value: 'json' },
            ...(o.env ?? []),
          ],
          resources: {
            requests: { cpu: '250m', memory: '256Mi' },
            limits: { cpu: '1', memory: '512Mi' },
          },
          readinessProbe: {
            httpGet: { path: '/healthz/ready', port, scheme: 'HTTP' },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
          livenessProbe: {
            httpGet: { path: '/healthz/live', port, scheme: 'HTTP' },
            initialDelaySeconds: 15,
            periodSeconds: 20,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/app', readOnly: true },
          ],
        },
      ],
      volumes: [
        {
          name: 'config',
          configMap: { name: `${o.name}-config`, defaultMode: 420 },
        },
      ],
      terminationGracePeriodSeconds: 30,
    },
  };
}

/** A Deployment spec as a person would apply it. */
export function deployment(
  o: WorkloadOptions,
): Deployment & { spec: DeploymentSpec } {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { ...o.labels, ...(o.deploymentLabels ?? {}) },
    },
    spec: {
      replicas: o.replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { ...o.labels } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: podTemplate(o),
    },
  };
}

/**
 * A Deployment already rolled out: the Deployment, its ReplicaSet and
 * `replicas` ready pods with realistic shape (5–7 KB each), consistent with
 * what the simulated controllers would have produced. Large pod counts share
 * immutable parts (spec, managedFields) between pods to keep memory low.
 */
export function rolledOutWorkload(
  o: WorkloadOptions & { cluster: string; createdAt?: string },
): KubeObject[] {
  const t =
    o.createdAt ??
    new Date(Date.now() - 3 * 24 * 3600_000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
  const d = deployment(o);
  const template = d.spec.template;
  const hash = podTemplateHash(template);
  const rsName = `${o.name}-${hash}`;
  const dUid = randomUUID();
  const rsUid = randomUUID();
  const podLabels = {
    ...template.metadata?.labels,
    'pod-template-hash': hash,
  };
  const rsTemplate = {
    ...template,
    metadata: { ...template.metadata, labels: podLabels },
  };
  d.metadata = {
    ...d.metadata,
    uid: dUid,
    creationTimestamp: t,
    generation: 1,
    annotations: { 'deployment.kubernetes.io/revision': '1' },
  };
  d.status = {
    observedGeneration: 1,
    replicas: o.replicas,
    updatedReplicas: o.replicas,
    readyReplicas: o.replicas,
    availableReplicas: o.replicas,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        lastUpdateTime: t,
        lastTransitionTime: t,
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: t,
        lastTransitionTime: t,
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      },
    ],
  };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: o.namespace,
      uid: rsUid,
      creationTimestamp: t,
      generation: 1,
      labels: podLabels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(o.replicas),
        'deployment.kubernetes.io/max-replicas': String(
          o.replicas + Math.ceil(o.replicas / 4),
        ),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: o.name,
          uid: dUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...o.labels, 'pod-template-hash': hash } },
      template: rsTemplate,
    },
    status: {
      replicas: o.replicas,
      fullyLabeledReplicas: o.replicas,
      readyReplicas: o.replicas,
      availableReplicas: o.replicas,
      observedGeneration: 1,
    },
  };
  const owner: OwnerReference = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: rsName,
    uid: rsUid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const nodes = nodeNames(o.cluster);
  const managedFields = podManagedFields(t);
  // One defaulted spec per node, shared by the pods on it.
  const specs = new Map<string, PodSpec>();
  const pods: KubeObject[] = [];
  for (let i = 0; i < o.replicas; i++) {
    const name = `${rsName}-${stableSuffix(
      `${o.cluster}/${o.namespace}/${rsName}/${i}`,
      5,
    )}`;
    const node = pickNode(nodes, name);
    let spec = specs.get(node);
    if (!spec) {
      spec = podFromTemplate({
        template: rsTemplate,
        name,
        namespace: o.namespace,
        phase: 'Ready',
        nodeName: node,
      }).spec!;
      specs.set(node, spec);
    }
    pods.push(
      podFromTemplate({
        template: rsTemplate,
        name,
        namespace: o.namespace,
        generateName: `${rsName}-`,
        owner,
        phase: 'Ready',
        nodeName: node,
        spec,
        creationTimestamp: t,
        startTime: t,
        managedFields,
      }),
    );
    pods[i].metadata.uid = randomUUID();
  }
  return [d, rs, ...pods];
}

/**
 * Synthetic load for benchmarks: `pods` ready pods spread over `services`
 * namespaces, each with a Deployment, ReplicaSet, Service and Namespace.
 */
export function syntheticFixture(opts: {
  cluster: string;
  pods: number;
  services?: number;
}): KubeObject[] {
  const services = Math.max(1, Math.min(opts.services ?? 10, opts.pods || 1));
  const out: KubeObject[] = [];
  for (let s = 0; s < services; s++) {
    const svc = `svc-${String(s).padStart(3, '0')}`;
    const replicas =
      Math.floor(opts.pods / services) + (s < opts.pods % services ? 1 : 0);
    const labels = {
      'app.kubernetes.io/name': svc,
      'backstage.io/kubernetes-id': svc,
      'runway.gitlab.com/service': svc,
      'runway.gitlab.com/stage': 'main',
      track: 'stable',
    };
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: svc, labels: { 'runway.gitlab.com/service': svc } },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc, namespace: svc, labels },
      spec: {
        selector: { 'app.kubernetes.io/name': svc },
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    });
    if (replicas > 0) {
      out.push(
        ...rolledOutWorkload({
          cluster: opts.cluster,
          namespace: svc,
          name: svc,
          image: `registry.example.com/${svc}:1.0.${s}`,
          replicas,
          labels,
        }),
      );
    }
  }
  return out;
}
