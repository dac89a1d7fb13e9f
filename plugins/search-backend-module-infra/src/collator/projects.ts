import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type {
  CloudRunService,
  GcpProject,
  GkeCluster,
} from '@groundcrew/plugin-infra-common';
import type { GcpService } from '@groundcrew/plugin-infra-node';
import { CloudRunFacts, noteCloudRunService } from './cloudRun';
import {
  infraDocument,
  infraEntityRef,
  labelList,
  ownerFromLabels,
} from './entities';
import { inOrder } from './inOrder';

const CONTAINER_API = 'container.googleapis.com';
const RUN_API = 'run.googleapis.com';

/**
 * The Cloud Asset Inventory types the collator reads with `groundcrew.search.assetScope`. Not the
 * projects themselves: the project search gives them, and a third of the results (one per project)
 * would only tell again that the project is in the scope, which its services tell.
 */
export const ASSET_TYPES = {
  service: 'serviceusage.googleapis.com/Service',
  cluster: 'container.googleapis.com/Cluster',
  runService: 'run.googleapis.com/Service',
} as const;

/** A GKE cluster as the cluster documents need it. */
export type GkeFacts = Pick<
  GkeCluster,
  'name' | 'projectId' | 'location' | 'status' | 'currentMasterVersion'
> & { labels: Record<string, string>; projectOwner: string };

/** What the asset search says of one project. */
interface ProjectAssets {
  apis: string[];
  clusters: boolean;
  runServices: boolean;
}

/**
 * Enabled APIs, and whether there are GKE clusters / Cloud Run services, of every project under
 * `scope`, by project number, from one Cloud Asset Inventory search (a few hundred results a
 * call). A project the search does not list (outside the scope, or with no service, cluster or
 * Cloud Run service in it) is absent: the caller reads it per project.
 */
async function assetsByProject(
  gcp: GcpService,
  scope: string,
): Promise<Map<string, ProjectAssets>> {
  const out = new Map<string, ProjectAssets>();
  const entry = (n: string) => {
    let e = out.get(n);
    if (!e) {
      e = { apis: [], clusters: false, runServices: false };
      out.set(n, e);
    }
    return e;
  };
  // A few dozen API names, each enabled in thousands of projects: each held once, not as a slice
  // of every result's full resource name (which keeps that whole name alive).
  const apiNames = new Map<string, string>();
  const api = (name: string) => {
    const held = apiNames.get(name);
    if (held !== undefined) return held;
    apiNames.set(name, name);
    return name;
  };
  for await (const a of gcp.searchAssets({
    scope,
    assetTypes: Object.values(ASSET_TYPES),
    // What is read below; not labels, times, folders… (most of a result's bytes).
    fields: ['name', 'assetType', 'project', 'state'],
  })) {
    const e = entry(a.projectNumber);
    if (a.assetType === ASSET_TYPES.service) {
      if (!a.state || a.state === 'ENABLED') e.apis.push(api(a.name));
    } else if (a.assetType === ASSET_TYPES.cluster) {
      e.clusters = true;
    } else if (a.assetType === ASSET_TYPES.runService) {
      e.runServices = true;
    }
  }
  return out;
}

/**
 * Project documents: labels, enabled APIs and GKE clusters. The GKE clusters found are put in
 * `gke` (by name) for the cluster documents, the Cloud Run services in `cloudRun` (by service
 * name) for the service documents.
 *
 * Without `assetScope`, every project's enabled APIs are read from Service Usage, and its GKE
 * clusters and Cloud Run services where the API is enabled, `concurrency` projects at a time. With
 * it, one Cloud Asset Inventory search of the scope gives every project's enabled APIs and tells
 * which projects hold clusters or Cloud Run services: only those are read (for the cluster
 * version and the service URL, which the search does not carry). A denied search (403) falls
 * back to the per-project reads with a warning.
 */
export async function* projectDocuments(options: {
  gcp: GcpService;
  logger: LoggerService;
  query: string;
  maxProjects: number;
  concurrency: number;
  assetScope?: string;
  gke: Map<string, GkeFacts>;
  cloudRun: Map<string, CloudRunFacts>;
}) {
  const { gcp, gke, cloudRun } = options;
  // The project search and the asset search page at the same time: neither needs the other's
  // answer (assets of projects the search did not return are dropped below).
  const [projects, assets] = await Promise.all([
    gcp.searchProjects({ query: options.query, limit: options.maxProjects }),
    options.assetScope
      ? assetsByProject(gcp, options.assetScope).catch(e => {
          if (!(e instanceof NotAllowedError)) throw e;
          options.logger.warn(
            `groundcrew.search.assetScope: Cloud Asset Inventory refuses to search ${options.assetScope} (${e.message}); reading each project's APIs, clusters and Cloud Run services instead. Grant the portal cloudasset.assets.searchAllResources on the scope, or unset the setting.`,
          );
          return undefined;
        })
      : undefined,
  ]);
  const active = projects.filter(p => p.state === 'ACTIVE');

  const details = async (p: GcpProject) => {
    const found = assets?.get(p.projectNumber);
    // Outside the asset scope (or none): Service Usage, and what its APIs allow.
    const apis = found
      ? [...found.apis].sort()
      : await gcp.listEnabledServices(p.projectId);
    const hasClusters = found ? found.clusters : apis.includes(CONTAINER_API);
    const hasRun = found ? found.runServices : apis.includes(RUN_API);
    const [clusters, runServices] = await Promise.all([
      hasClusters ? gcp.listClusters({ projectId: p.projectId }) : [],
      hasRun
        ? gcp.listRunServices({ projectId: p.projectId })
        : ([] as CloudRunService[]),
    ]);
    return [p, apis, clusters, runServices] as const;
  };

  for await (const [project, apis, clusters, runServices] of inOrder(
    active,
    options.concurrency,
    details,
  )) {
    const owner = ownerFromLabels(project.labels);
    for (const c of clusters) {
      gke.set(c.name, {
        name: c.name,
        projectId: c.projectId,
        location: c.location,
        status: c.status,
        currentMasterVersion: c.currentMasterVersion,
        labels: c.labels,
        projectOwner: owner,
      });
    }
    for (const s of runServices) noteCloudRunService(cloudRun, s, owner);
    yield infraDocument({
      kind: 'project',
      title: project.projectId,
      entityRef: infraEntityRef.project(project.projectId),
      owner,
      words: [project.displayName, 'gcp project'],
      facts: {
        project: project.projectId,
        labels: labelList(project.labels),
        apis: [...apis].sort(),
        clusters: clusters.map(c => c.name).sort(),
        regions: [...new Set(clusters.map(c => c.location))].sort(),
        status: project.state,
      },
    });
  }
}
