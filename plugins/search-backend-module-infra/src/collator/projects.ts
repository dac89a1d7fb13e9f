import type { GcpProject, GkeCluster } from '@groundcrew/plugin-infra-common';
import type { GcpService } from '@groundcrew/plugin-infra-node';
import {
  infraDocument,
  infraEntityRef,
  labelList,
  ownerFromLabels,
} from './entities';
import { inBatches } from './inBatches';

const CONTAINER_API = 'container.googleapis.com';

/** A GKE cluster as the cluster documents need it. */
export type GkeFacts = Pick<
  GkeCluster,
  'name' | 'projectId' | 'location' | 'status' | 'currentMasterVersion'
> & { labels: Record<string, string>; projectOwner: string };

/**
 * Project documents: labels, enabled APIs and GKE clusters, read per project `concurrency` at a
 * time. The GKE clusters found are put in `gke` (by name) for the cluster documents.
 */
export async function* projectDocuments(options: {
  gcp: GcpService;
  query: string;
  maxProjects: number;
  concurrency: number;
  gke: Map<string, GkeFacts>;
}) {
  const { gcp, gke } = options;
  const projects = await gcp.searchProjects({
    query: options.query,
    limit: options.maxProjects,
  });
  const active = projects.filter(p => p.state === 'ACTIVE');
  for await (const [project, apis, clusters] of inBatches(
    active,
    options.concurrency,
    async (p: GcpProject) => {
      const enabled = await gcp.listEnabledServices(p.projectId);
      // Only a project with the Container API can hold clusters: skip the call for the rest.
      const found = enabled.includes(CONTAINER_API)
        ? await gcp.listClusters({ projectId: p.projectId })
        : [];
      return [p, enabled, found] as const;
    },
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
