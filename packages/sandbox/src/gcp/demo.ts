import { DEMO_CLUSTERS } from '../demo/demoFixture';
import { DEFAULT_PROJECT_SERVICES } from './services';
import type { GcpFixture, GcpPrincipal } from './types';

/** The bearer token of the demo principal (`app-config.yaml` names it). */
export const DEMO_GCP_TOKEN = 'groundcrew-sandbox-gcp-token';
/** The principal the demo token stands for: the portal's service account. */
export const DEMO_GCP_PRINCIPAL =
  'serviceAccount:groundcrew-portal@groundcrew-demo.iam.gserviceaccount.com';
/** A second principal, in the other organization (for visibility tests). */
export const DEMO_GCP_OTHER_TOKEN = 'groundcrew-sandbox-gcp-other-token';
export const DEMO_GCP_OTHER_PRINCIPAL = 'user:someone@elsewhere.example';

export const DEMO_GCP = {
  organization: 'organizations/1000',
  otherOrganization: 'organizations/2000',
  folders: {
    platform: 'folders/1001',
    teamAi: 'folders/1002',
    teamCommerce: 'folders/1003',
  },
  billingAccounts: {
    /** Open, usable by the demo principal. */
    demo: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
    /** Closed, visible to the demo principal. */
    closed: 'billingAccounts/01C105-ED0000-000001',
    /** Open, but only the other organization's principal may use it. */
    elsewhere: 'billingAccounts/01E15E-000000-002000',
  },
  project: 'groundcrew-demo',
  projectNumber: '310245688412',
  aiProject: 'ai-gateway-prod',
  /** Exists in the other organization: get → 403, create → 409. */
  takenProject: 'taken-elsewhere',
  /** The demo Cloud Run service (in `project`): two revisions, traffic 90 / 10. */
  runService: {
    location: 'us-east1',
    name: 'docs-preview',
    stable: 'docs-preview-00001-kaw',
    canary: 'docs-preview-00002-ruz',
  },
} as const;

/**
 * A principal that sees the demo organization but may not search its assets
 * (`cloudasset.assets.searchAllResources` denied): the refused path of Cloud Asset Inventory.
 */
export function assetSearchDeniedPrincipal(
  token: string,
  member = 'user:no-asset-search@groundcrew.example',
): GcpPrincipal {
  return {
    token,
    member,
    visible: [DEMO_GCP.organization],
    billingAccounts: [],
    deniedPermissions: ['cloudasset.assets.searchAllResources'],
  };
}

/** A Cloud Run revision template of the demo (defaults as Cloud Run fills them). */
function demoRunTemplate(image: string, release: string) {
  return {
    labels: {},
    annotations: {},
    minInstanceCount: 0,
    maxInstanceCount: 5,
    serviceAccount: `${DEMO_GCP.projectNumber}-compute@developer.gserviceaccount.com`,
    timeout: '300s',
    maxInstanceRequestConcurrency: 80,
    containers: [
      {
        name: '',
        image,
        command: [],
        args: [],
        env: [
          { name: 'DOCS_RELEASE', value: release },
          { name: 'LOG_LEVEL', value: 'info' },
        ],
        limits: { cpu: '1000m', memory: '512Mi' },
        ports: [{ name: 'http1', containerPort: 8080 }],
        startupProbe: {
          timeoutSeconds: 240,
          periodSeconds: 240,
          failureThreshold: 1,
          tcpSocket: { port: 8080 },
        },
      },
    ],
  };
}

/** Where the demo Kubernetes clusters run, as GKE clusters of the demo project. */
const DEMO_CLUSTER_LOCATIONS: Record<string, string> = {
  'gke-prod-us-east1': 'us-east1',
  'gke-prod-europe-west1': 'europe-west1',
  'gke-ops': 'us-central1',
};

const CREATED = '2024-03-01T09:00:00.000Z';
const RUN_UPDATED = '2024-03-12T14:30:00.000Z';
const DOCS_IMAGE_STABLE =
  'us-east1-docker.pkg.dev/groundcrew-demo/docs/docs-preview:2024.03.1';
const DOCS_IMAGE_CANARY =
  'us-east1-docker.pkg.dev/groundcrew-demo/docs/docs-preview:2024.03.2';
/** 90 % on the first revision, 10 % (tagged `canary`) on the latest. */
const DEMO_RUN_TRAFFIC = [
  {
    type: 'REVISION' as const,
    revision: DEMO_GCP.runService.stable,
    percent: 90,
    tag: '',
  },
  {
    type: 'REVISION' as const,
    revision: DEMO_GCP.runService.canary,
    percent: 10,
    tag: 'canary',
  },
];

export interface GcpDemoOptions {
  /** The demo principal's token (default {@link DEMO_GCP_TOKEN}). */
  token?: string;
  /**
   * Names of the sandbox's running Kubernetes clusters. The demo clusters
   * among them become the demo project's GKE clusters (RUNNING, their
   * endpoint the sandbox cluster's); the others are left out.
   */
  kubernetesClusters?: string[];
}

/**
 * The demo organisation: `groundcrew.example` with folders platform, team-ai
 * and team-commerce; billing accounts; the demo project `groundcrew-demo`
 * (billing linked, container, Cloud Run and other APIs enabled) whose GKE
 * clusters are the sandbox's demo Kubernetes clusters, with the Cloud Run
 * service `docs-preview` (us-east1, two revisions, traffic 90 / 10); `ai-gateway-prod`; and a second
 * organization the demo principal cannot see, holding `taken-elsewhere`.
 */
export function gcpDemoFixture(opts: GcpDemoOptions = {}): GcpFixture {
  const live = new Set(opts.kubernetesClusters ?? []);
  const enabled = [
    ...DEFAULT_PROJECT_SERVICES,
    'cloudbilling.googleapis.com',
    'cloudresourcemanager.googleapis.com',
    'compute.googleapis.com',
    'container.googleapis.com',
    'iam.googleapis.com',
    'run.googleapis.com',
  ].sort();
  return {
    principals: [
      {
        token: opts.token ?? DEMO_GCP_TOKEN,
        member: DEMO_GCP_PRINCIPAL,
        visible: [DEMO_GCP.organization],
        billingAccounts: [
          DEMO_GCP.billingAccounts.demo,
          DEMO_GCP.billingAccounts.closed,
        ],
      },
      {
        token: DEMO_GCP_OTHER_TOKEN,
        member: DEMO_GCP_OTHER_PRINCIPAL,
        visible: [DEMO_GCP.otherOrganization],
        billingAccounts: [DEMO_GCP.billingAccounts.elsewhere],
      },
    ],
    organizations: [
      {
        name: DEMO_GCP.organization,
        displayName: 'groundcrew.example',
        directoryCustomerId: 'C01gr0und',
        createTime: CREATED,
      },
      {
        name: DEMO_GCP.otherOrganization,
        displayName: 'elsewhere.example',
        directoryCustomerId: 'C02e1sewh',
        createTime: CREATED,
      },
    ],
    folders: [
      {
        name: DEMO_GCP.folders.platform,
        parent: DEMO_GCP.organization,
        displayName: 'platform',
        createTime: CREATED,
      },
      {
        name: DEMO_GCP.folders.teamAi,
        parent: DEMO_GCP.organization,
        displayName: 'team-ai',
        createTime: CREATED,
      },
      {
        name: DEMO_GCP.folders.teamCommerce,
        parent: DEMO_GCP.organization,
        displayName: 'team-commerce',
        createTime: CREATED,
      },
    ],
    billingAccounts: [
      {
        name: DEMO_GCP.billingAccounts.demo,
        displayName: 'Groundcrew demo',
        open: true,
        parent: DEMO_GCP.organization,
      },
      {
        name: DEMO_GCP.billingAccounts.closed,
        displayName: 'Groundcrew legacy (closed)',
        open: false,
        parent: DEMO_GCP.organization,
      },
      {
        name: DEMO_GCP.billingAccounts.elsewhere,
        displayName: 'Elsewhere',
        open: true,
        parent: DEMO_GCP.otherOrganization,
      },
    ],
    projects: [
      {
        projectId: DEMO_GCP.project,
        number: DEMO_GCP.projectNumber,
        parent: DEMO_GCP.folders.platform,
        displayName: 'Groundcrew demo',
        labels: { team: 'platform', environment: 'production' },
        createTime: CREATED,
        updateTime: CREATED,
        billingAccountName: DEMO_GCP.billingAccounts.demo,
        services: enabled,
        iamPolicy: {
          bindings: [
            {
              role: 'roles/container.admin',
              members: ['group:platform@groundcrew.example'],
            },
            { role: 'roles/owner', members: [DEMO_GCP_PRINCIPAL] },
            {
              role: 'roles/viewer',
              members: ['group:engineering@groundcrew.example'],
            },
          ],
        },
      },
      {
        projectId: DEMO_GCP.aiProject,
        number: '310245688413',
        parent: DEMO_GCP.folders.teamAi,
        displayName: 'AI gateway production',
        labels: {
          team: 'team-ai',
          environment: 'production',
          service: 'ai-gateway',
        },
        createTime: CREATED,
        updateTime: CREATED,
        billingAccountName: DEMO_GCP.billingAccounts.demo,
        services: enabled,
        iamPolicy: {
          bindings: [{ role: 'roles/owner', members: [DEMO_GCP_PRINCIPAL] }],
        },
      },
      {
        projectId: DEMO_GCP.takenProject,
        number: '310245688499',
        parent: DEMO_GCP.otherOrganization,
        displayName: 'Taken elsewhere',
        createTime: CREATED,
        updateTime: CREATED,
        billingAccountName: DEMO_GCP.billingAccounts.elsewhere,
        services: [...DEFAULT_PROJECT_SERVICES],
        iamPolicy: {
          bindings: [
            { role: 'roles/owner', members: [DEMO_GCP_OTHER_PRINCIPAL] },
          ],
        },
      },
    ],
    runServices: [
      {
        project: DEMO_GCP.project,
        location: DEMO_GCP.runService.location,
        name: DEMO_GCP.runService.name,
        uid: '6f1c0e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        description: 'Previews of the docs site, per release',
        generation: 2,
        observedGeneration: 2,
        labels: { team: 'platform', environment: 'staging' },
        createTime: CREATED,
        updateTime: RUN_UPDATED,
        creator: DEMO_GCP_PRINCIPAL.replace(/^serviceAccount:/, ''),
        lastModifier: DEMO_GCP_PRINCIPAL.replace(/^serviceAccount:/, ''),
        template: {
          revision: '',
          ...demoRunTemplate(DOCS_IMAGE_CANARY, '2024.03.2'),
        },
        traffic: DEMO_RUN_TRAFFIC,
        trafficStatuses: DEMO_RUN_TRAFFIC,
        latestCreatedRevision: DEMO_GCP.runService.canary,
        latestReadyRevision: DEMO_GCP.runService.canary,
        ready: 'SUCCEEDED',
        lastTransitionTime: RUN_UPDATED,
        urlHash: 'q3v7kzt2ma',
      },
    ],
    runRevisions: [
      {
        project: DEMO_GCP.project,
        location: DEMO_GCP.runService.location,
        service: DEMO_GCP.runService.name,
        name: DEMO_GCP.runService.stable,
        generation: 1,
        createTime: CREATED,
        creator: DEMO_GCP_PRINCIPAL.replace(/^serviceAccount:/, ''),
        template: demoRunTemplate(DOCS_IMAGE_STABLE, '2024.03.1'),
      },
      {
        project: DEMO_GCP.project,
        location: DEMO_GCP.runService.location,
        service: DEMO_GCP.runService.name,
        name: DEMO_GCP.runService.canary,
        generation: 2,
        createTime: RUN_UPDATED,
        creator: DEMO_GCP_PRINCIPAL.replace(/^serviceAccount:/, ''),
        template: demoRunTemplate(DOCS_IMAGE_CANARY, '2024.03.2'),
      },
    ],
    clusters: DEMO_CLUSTERS.filter(c => live.has(c.name)).map(c => ({
      project: DEMO_GCP.project,
      location: DEMO_CLUSTER_LOCATIONS[c.name],
      name: c.name,
      createTime: CREATED,
      resourceLabels: { ...c.labels },
      releaseChannel:
        c.labels.environment === 'production' ? 'STABLE' : 'REGULAR',
      privateNodes: true,
      // The sandbox's own cluster of that name serves it.
      kubernetesName: c.name,
    })),
  };
}
