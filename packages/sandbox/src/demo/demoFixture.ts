import { deployment, rolledOutWorkload } from '../kubernetes/workloads';
import type { KubeObject } from '../kubernetes/types';

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
  },
  {
    name: 'search-indexer',
    image: 'registry.gitlab.com/groundcrew/search-indexer:0.19.3',
    chartVersion: '0.19.3',
    port: 8080,
    replicas: { 'gke-prod-us-east1': 2, 'gke-ops': 1, default: 1 },
  },
];

/** Which services run on which demo cluster (others get all of them). */
const PLACEMENT: Record<string, string[]> = {
  'gke-prod-us-east1': ['ai-gateway', 'checkout-api', 'search-indexer'],
  'gke-prod-europe-west1': ['ai-gateway', 'checkout-api'],
  'gke-ops': ['search-indexer'],
};

const CANARY_WEIGHT = 10;

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
    }),
  );
  const backends: Array<{ name: string; weight: number }> = [];
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
    out.push(
      service(`${svc.name}-stable`, {
        'app.kubernetes.io/name': svc.name,
        track: 'stable',
      }),
    );
    out.push(
      service(`${svc.name}-canary`, {
        'app.kubernetes.io/name': svc.name,
        track: 'canary',
      }),
    );
    backends.push(
      { name: `${svc.name}-stable`, weight: 100 - CANARY_WEIGHT },
      { name: `${svc.name}-canary`, weight: CANARY_WEIGHT },
    );
  } else {
    backends.push({ name: svc.name, weight: 100 });
  }
  const host = `${svc.name}.${cluster}.example.com`;
  out.push(
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: svc.name, namespace: ns, labels: base },
      spec: {
        parentRefs: [{ name: 'external-gateway', namespace: 'gateway-system' }],
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
                lastTransitionTime: new Date()
                  .toISOString()
                  .replace(/\.\d+Z$/, 'Z'),
                observedGeneration: 1,
              },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: svc.name, namespace: ns, labels: base },
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
