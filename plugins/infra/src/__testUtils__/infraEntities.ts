import { Entity } from '@backstage/catalog-model';
import {
  ClusterOverview,
  GcpProjectOverview,
} from '@groundcrew/plugin-infra-common';

/** A cluster Resource as the catalog module emits it. */
export const clusterEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'gke-prod-us-east1',
    namespace: 'default',
    annotations: {
      'groundcrew.io/cluster': 'gke-prod-us-east1',
      'groundcrew.io/gcp-project': 'groundcrew-demo',
      'groundcrew.io/region': 'us-east1',
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  relations: [
    { type: 'dependencyOf', targetRef: 'component:default/prompt-router' },
    { type: 'dependsOn', targetRef: 'resource:default/groundcrew-demo' },
  ],
};

export const projectEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'groundcrew-demo',
    namespace: 'default',
    annotations: { 'groundcrew.io/gcp-project': 'groundcrew-demo' },
  },
  spec: { type: 'gcp-project', owner: 'group:default/platform' },
};

function service(name: string, title: string, annotations = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', title, annotations },
    spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
  };
}

/** ai-gateway runs there (found by its Runway service); prompt-router depends on the cluster. */
export const catalogServices: Entity[] = [
  service('ai-gateway', 'AI Gateway', {
    'groundcrew.io/runway-service': 'ai-gateway',
  }),
  service('prompt-router', 'Prompt Router', {
    'groundcrew.io/runway-service': 'prompt-router',
  }),
  service('docs-site', 'Docs site'),
];

export const clusterOverview: ClusterOverview = {
  name: 'gke-prod-us-east1',
  labels: { environment: 'production', region: 'us-east1', class: 'cattle' },
  source: 'config',
  status: { state: 'ok', lastSeen: '2026-11-29T12:03:00.000Z' },
  kubernetesVersion: 'v1.31.4-gke.1000',
  versionSource: 'api-server',
  gke: {
    projectId: 'groundcrew-demo',
    location: 'us-east1',
    status: 'RUNNING',
    releaseChannel: 'REGULAR',
    currentMasterVersion: '1.31.4-gke.1000',
    privateNodes: true,
    nodePools: [
      {
        name: 'default-pool',
        machineType: 'e2-standard-4',
        minNodeCount: 1,
        maxNodeCount: 5,
        status: 'RUNNING',
      },
    ],
  },
  workloads: {
    deployments: 5,
    healthy: 4,
    namespaces: 3,
    unhealthy: [
      {
        namespace: 'checkout-api',
        name: 'checkout-api-canary',
        desired: 2,
        ready: 1,
        reason: 'ProgressDeadlineExceeded',
      },
    ],
    runwayServices: ['ai-gateway', 'checkout-api'],
  },
};

export const projectOverview: GcpProjectOverview = {
  project: {
    projectId: 'groundcrew-demo',
    projectNumber: '310245688412',
    displayName: 'Groundcrew Demo',
    parent: 'folders/1001',
    state: 'ACTIVE',
    labels: { team: 'platform', environment: 'production' },
  },
  parentDisplayName: 'platform',
  billing: {
    billingAccountName: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
    billingEnabled: true,
  },
  enabledApis: ['container.googleapis.com', 'run.googleapis.com'],
};
