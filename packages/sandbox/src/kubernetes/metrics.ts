import type { KubeObject } from './types';

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** PodMetrics for a running pod, with stable pseudo-random usage; undefined otherwise. */
export function podMetricsFor(pod: KubeObject): KubeObject | undefined {
  const status = pod.status as { phase?: string } | undefined;
  if (status?.phase !== 'Running') return undefined;
  const spec = pod.spec as { containers?: Array<{ name: string }> } | undefined;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const seed = hash(pod.metadata.uid ?? pod.metadata.name ?? '');
  const minute = Math.floor(Date.now() / 60_000);
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      labels: pod.metadata.labels,
      creationTimestamp: now,
    },
    timestamp: now,
    window: '15s',
    containers: (spec?.containers ?? []).map((c, i) => {
      const h = hash(`${seed}:${i}:${minute}`);
      return {
        name: c.name,
        usage: {
          cpu: `${5_000_000 + (h % 200_000_000)}n`,
          memory: `${40_000 + (h % 400_000)}Ki`,
        },
      };
    }),
  };
}
