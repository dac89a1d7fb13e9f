import { deployment, rolledOutWorkload } from '../kubernetes/workloads';
import type { KubeObject } from '../kubernetes/types';
import { DEMO_VAULT_POD_ANNOTATIONS } from '../vault/demo';

/** The demo clusters `yarn start` runs with. */
export const DEMO_CLUSTERS: Array<{
  name: string;
  labels: Record<string, string>;
}> = [
  {
    name: 'gke-prod-us-east1',
    labels: { environment: 'production', region: 'us-east1' },
  },
  {
    name: 'gke-prod-europe-west1',
    labels: { environment: 'production', region: 'europe-west1' },
  },
  { name: 'gke-ops', labels: { environment: 'ops', region: 'us-central1' } },
];

interface DemoService {
  name: string;
  image: string;
  canaryImage?: string;
  chartVersion: string;
  port: number;
  replicas: Record<string, number>;
  /** How the service's ingress is routed: each demo service shows one style. */
  route: 'gateway-api' | 'istio' | 'ingress-nginx';
  /** The canary's share of the traffic. */
  canaryWeight: number;
  /** A Runway manifest's rollout_traffic_percentages, as an annotation on the route. */
  rolloutSteps?: string;
}

export const DEMO_SERVICES: DemoService[] = [
  {
    name: 'ai-gateway',
    image: 'registry.gitlab.com/groundcrew/ai-gateway:v1.42.0',
    canaryImage: 'registry.gitlab.com/groundcrew/ai-gateway:v1.43.0-rc.1',
    chartVersion: '1.42.0',
    port: 5052,
    replicas: {
      'gke-prod-us-east1': 3,
      'gke-prod-europe-west1': 3,
      default: 2,
    },
    route: 'gateway-api',
    canaryWeight: 5,
  },
  {
    name: 'checkout-api',
    image: 'registry.gitlab.com/groundcrew/checkout-api:2.8.1',
    chartVersion: '2.8.1',
    port: 8080,
    replicas: {
      'gke-prod-us-east1': 3,
      'gke-prod-europe-west1': 2,
      default: 2,
    },
    route: 'istio',
    canaryWeight: 0,
    rolloutSteps: '10,50,100',
  },
  {
    name: 'search-indexer',
    image: 'registry.gitlab.com/groundcrew/search-indexer:0.19.3',
    chartVersion: '0.19.3',
    port: 8080,
    replicas: { 'gke-prod-us-east1': 2, 'gke-ops': 1, default: 1 },
    route: 'ingress-nginx',
    canaryWeight: 0,
  },
];

/**
 * A worker that fails, so that the deploy board shows why a pod is not ready (its Events): the
 * kubelet of the imitation crash-loops a container whose command exits (see kubernetes/kubelet.ts).
 */
const FAILING_JOBS: Record<string, { name: string; command: string[] }> = {
  'gke-ops/search-indexer': {
    name: 'search-indexer-backfill',
    command: ['sh', '-c', 'search-indexer backfill --since=30d || exit 1'],
  },
};

/** Which services run on which demo cluster (others get all of them). */
const PLACEMENT: Record<string, string[]> = {
  'gke-prod-us-east1': ['ai-gateway', 'checkout-api', 'search-indexer'],
  'gke-prod-europe-west1': ['ai-gateway', 'checkout-api'],
  'gke-ops': ['search-indexer'],
};

function serviceObjects(cluster: string, svc: DemoService): KubeObject[] {
  const ns = svc.name;
  const id = { 'backstage.io/kubernetes-id': svc.name };
  const base = {
    'app.kubernetes.io/name': svc.name,
    'runway.gitlab.com/service': svc.name,
    'runway.gitlab.com/stage': 'main',
    ...id,
  };
  const replicas = svc.replicas[cluster] ?? svc.replicas.default;
  const out: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: { 'runway.gitlab.com/service': svc.name, ...id },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: svc.name, namespace: ns, labels: base },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${svc.name}-config`, namespace: ns, labels: base },
      data: {
        'config.yaml': `service: ${svc.name}\ncluster: ${cluster}\nlogLevel: info\n`,
      },
    },
  ];
  // The stable track starts rolled out (ready pods); the canary rolls out live.
  out.push(
    ...rolledOutWorkload({
      cluster,
      namespace: ns,
      name: svc.name,
      image: svc.image,
      replicas,
      labels: { ...base, track: 'stable' },
      containerPort: svc.port,
      // Started three days ago: a secret rotated since means "restart needed" on the Secrets tab.
      podAnnotations: DEMO_VAULT_POD_ANNOTATIONS[svc.name],
    }),
  );
  const service = (name: string, selector: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: base },
    spec: {
      selector,
      ports: [
        { name: 'http', port: 80, targetPort: svc.port, protocol: 'TCP' },
      ],
    },
  });
  out.push(service(svc.name, { 'app.kubernetes.io/name': svc.name }));
  if (svc.canaryImage) {
    out.push(
      deployment({
        namespace: ns,
        name: `${svc.name}-canary`,
        image: svc.canaryImage,
        replicas: 1,
        labels: { ...base, track: 'canary' },
        containerPort: svc.port,
      }),
    );
  }
  // Every service has a stable and a canary Service; without a canary Deployment the canary
  // Service has no endpoints and its weight is 0.
  out.push(
    service(`${svc.name}-stable`, {
      'app.kubernetes.io/name': svc.name,
      track: 'stable',
    }),
    service(`${svc.name}-canary`, {
      'app.kubernetes.io/name': svc.name,
      track: 'canary',
    }),
  );
  const job = FAILING_JOBS[`${cluster}/${svc.name}`];
  if (job) {
    // Not behind the service's Services: its own app name, the service's Runway labels.
    out.push(
      deployment({
        namespace: ns,
        name: job.name,
        image: svc.image,
        command: job.command,
        replicas: 1,
        labels: {
          ...base,
          'app.kubernetes.io/name': job.name,
          track: 'stable',
        },
        containerPort: svc.port,
      }),
    );
  }
  out.push(...routeObjects(cluster, svc, base));
  out.push(
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: svc.name, namespace: ns, labels: base },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: svc.name,
        },
        minReplicas: replicas,
        maxReplicas: replicas * 4,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
      },
      status: {
        currentReplicas: replicas,
        desiredReplicas: replicas,
        currentMetrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              current: { averageUtilization: 35, averageValue: '87m' },
            },
          },
        ],
      },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: svc.name, namespace: ns, labels: base },
      spec: {
        interval: '5m',
        releaseName: svc.name,
        chart: {
          spec: {
            chart: 'runway-service',
            version: svc.chartVersion,
            sourceRef: {
              kind: 'HelmRepository',
              name: 'runway-charts',
              namespace: 'flux-system',
            },
          },
        },
        values: {
          image: {
            repository: svc.image.split(':')[0],
            tag: svc.image.split(':')[1],
          },
          replicas,
        },
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: svc.name, namespace: ns, labels: base },
      spec: {
        interval: '10m',
        path: `./clusters/${cluster}/${svc.name}`,
        prune: true,
        sourceRef: {
          kind: 'GitRepository',
          name: 'runway-deployments',
          namespace: 'flux-system',
        },
        targetNamespace: ns,
      },
    },
  );
  return out;
}

const timestamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * The service's route in its style: a Gateway API HTTPRoute with weighted backendRefs, an Istio
 * VirtualService with weighted destinations, or an ingress-nginx Ingress plus its canary Ingress
 * (`canary: "true"`, `canary-weight`).
 */
function routeObjects(
  cluster: string,
  svc: DemoService,
  labels: Record<string, string>,
): KubeObject[] {
  const ns = svc.name;
  const host = `${svc.name}.${cluster}.example.com`;
  const annotations = svc.rolloutSteps
    ? { 'groundcrew.io/rollout-traffic-percentages': svc.rolloutSteps }
    : undefined;
  const backends = [
    { name: `${svc.name}-stable`, weight: 100 - svc.canaryWeight },
    { name: `${svc.name}-canary`, weight: svc.canaryWeight },
  ];
  if (svc.route === 'gateway-api') {
    return [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: svc.name, namespace: ns, labels, annotations },
        spec: {
          parentRefs: [
            { name: 'external-gateway', namespace: 'gateway-system' },
          ],
          hostnames: [host],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              backendRefs: backends.map(b => ({
                group: '',
                kind: 'Service',
                name: b.name,
                port: 80,
                weight: b.weight,
              })),
            },
          ],
        },
        status: {
          parents: [
            {
              parentRef: {
                name: 'external-gateway',
                namespace: 'gateway-system',
              },
              controllerName: 'networking.gke.io/gateway',
              conditions: [
                {
                  type: 'Accepted',
                  status: 'True',
                  reason: 'Accepted',
                  message: '',
                  lastTransitionTime: timestamp(),
                  observedGeneration: 1,
                },
              ],
            },
          ],
        },
      },
    ];
  }
  if (svc.route === 'istio') {
    return [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: svc.name, namespace: ns, labels, annotations },
        spec: {
          hosts: [host, `${svc.name}.${ns}.svc.cluster.local`],
          gateways: ['istio-system/ingress-gateway', 'mesh'],
          http: [
            {
              name: 'primary',
              route: backends.map(b => ({
                destination: {
                  host: `${b.name}.${ns}.svc.cluster.local`,
                  port: { number: 80 },
                },
                weight: b.weight,
              })),
            },
          ],
        },
      },
    ];
  }
  const ingress = (name: string, backend: string, extra?: object) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: ns,
      labels,
      annotations: { ...annotations, ...extra },
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: backend, port: { number: 80 } } },
              },
            ],
          },
        },
      ],
    },
  });
  return [
    ingress(svc.name, `${svc.name}-stable`),
    ingress(`${svc.name}-canary`, `${svc.name}-canary`, {
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': String(svc.canaryWeight),
    }),
  ];
}

/** The demo objects of one cluster (a cluster not in the demo gets every service). */
export function demoFixture(cluster: string): KubeObject[] {
  const names = PLACEMENT[cluster] ?? DEMO_SERVICES.map(s => s.name);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
    ...DEMO_SERVICES.filter(s => names.includes(s.name)).flatMap(s =>
      serviceObjects(cluster, s),
    ),
  ];
}
