/** One resource the imitation serves. The table drives discovery, routing and storage. */
export interface KindInfo {
  /** API group; '' for core. */
  group: string;
  /** Served versions, preferred first. All share one storage. */
  versions: string[];
  kind: string;
  /** Plural resource name used in paths. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Served with its kind and apiVersion inside lists (CRDs are, built-ins are not). */
  crd?: boolean;
  /** Read-only, derived from other objects (metrics). */
  derived?: boolean;
  /** Has a `status` subresource. */
  status?: boolean;
  /** Never stored: the server answers a create (authorization reviews). */
  review?: boolean;
  /**
   * Storage shared with a kind of another group (`/events`: core/v1 and events.k8s.io/v1 Events are
   * one resource in etcd, served in two shapes); absent: its own.
   */
  storage?: string;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

export const KINDS: KindInfo[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    resource: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    resource: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    status: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    resource: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    status: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    resource: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    resource: 'secrets',
    singular: 'secret',
    namespaced: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ServiceAccount',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'LimitRange',
    resource: 'limitranges',
    singular: 'limitrange',
    namespaced: true,
    shortNames: ['limits'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ResourceQuota',
    resource: 'resourcequotas',
    singular: 'resourcequota',
    namespaced: true,
    shortNames: ['quota'],
    status: true,
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Event',
    resource: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    resource: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    status: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    resource: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    status: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'StatefulSet',
    resource: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    status: true,
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'DaemonSet',
    resource: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    shortNames: ['ds'],
    status: true,
  },
  {
    // The same objects as core/v1 Events, in the newer shape (see ./events.ts).
    group: 'events.k8s.io',
    versions: ['v1'],
    kind: 'Event',
    resource: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    storage: '/events',
  },
  {
    group: 'autoscaling',
    versions: ['v2'],
    kind: 'HorizontalPodAutoscaler',
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    status: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'Job',
    resource: 'jobs',
    singular: 'job',
    namespaced: true,
    status: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'CronJob',
    resource: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    shortNames: ['cj'],
    status: true,
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'Ingress',
    resource: 'ingresses',
    singular: 'ingress',
    namespaced: true,
    shortNames: ['ing'],
    status: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    versions: ['v1'],
    kind: 'HTTPRoute',
    resource: 'httproutes',
    singular: 'httproute',
    namespaced: true,
    crd: true,
    status: true,
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1'],
    kind: 'VirtualService',
    resource: 'virtualservices',
    singular: 'virtualservice',
    namespaced: true,
    shortNames: ['vs'],
    crd: true,
    status: true,
  },
  {
    group: 'kustomize.toolkit.fluxcd.io',
    versions: ['v1'],
    kind: 'Kustomization',
    resource: 'kustomizations',
    singular: 'kustomization',
    namespaced: true,
    shortNames: ['ks'],
    crd: true,
    status: true,
  },
  {
    group: 'helm.toolkit.fluxcd.io',
    versions: ['v2'],
    kind: 'HelmRelease',
    resource: 'helmreleases',
    singular: 'helmrelease',
    namespaced: true,
    shortNames: ['hr'],
    crd: true,
    status: true,
  },
  {
    group: 'metrics.k8s.io',
    versions: ['v1beta1'],
    kind: 'PodMetrics',
    resource: 'pods',
    singular: '',
    namespaced: true,
    derived: true,
  },
  {
    group: 'authorization.k8s.io',
    versions: ['v1'],
    kind: 'SelfSubjectAccessReview',
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    namespaced: false,
    review: true,
  },
  {
    group: 'authorization.k8s.io',
    versions: ['v1'],
    kind: 'SelfSubjectRulesReview',
    resource: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    namespaced: false,
    review: true,
  },
];

export function verbsOf(info: KindInfo): string[] {
  if (info.review) return ['create'];
  return info.derived ? ['get', 'list'] : ALL_VERBS;
}

/** `group/resource`, the storage key of a kind. */
export function kindKey(info: KindInfo): string {
  return info.storage ?? `${info.group}/${info.resource}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Splits `apps/v1` into group and version (`v1` → core). */
export function parseApiVersion(apiVersion: string): {
  group: string;
  version: string;
} {
  const i = apiVersion.lastIndexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Lookup tables built from a kind list. */
export class KindRegistry {
  private readonly byResource = new Map<string, KindInfo>();
  private readonly byKind = new Map<string, KindInfo>();

  constructor(readonly kinds: KindInfo[] = KINDS) {
    for (const k of kinds) {
      for (const v of k.versions) {
        this.byResource.set(`${k.group}/${v}/${k.resource}`, k);
        this.byKind.set(`${apiVersionOf(k.group, v)}/${k.kind}`, k);
      }
    }
  }

  byPath(
    group: string,
    version: string,
    resource: string,
  ): KindInfo | undefined {
    return this.byResource.get(`${group}/${version}/${resource}`);
  }

  byApiVersionKind(apiVersion: string, kind: string): KindInfo | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Groups with their versions, in table order. */
  groups(): Array<{ name: string; versions: string[] }> {
    const out = new Map<string, Set<string>>();
    for (const k of this.kinds) {
      if (!k.group) continue;
      const set = out.get(k.group) ?? new Set<string>();
      k.versions.forEach(v => set.add(v));
      out.set(k.group, set);
    }
    return [...out].map(([name, versions]) => ({
      name,
      versions: [...versions],
    }));
  }

  inGroupVersion(group: string, version: string): KindInfo[] {
    return this.kinds.filter(
      k => k.group === group && k.versions.includes(version),
    );
  }
}
