import { Entity } from '@backstage/catalog-model';
import { GROUNDCREW_ANNOTATIONS } from '@groundcrew/plugin-infra-common';

/** The entity types the catalog module gives GCP projects and Kubernetes clusters. */
export const INFRA_RESOURCE_TYPES = {
  gcpProject: 'gcp-project',
  kubernetesCluster: 'kubernetes-cluster',
} as const;

/** Annotations the catalog module sets on a cluster Resource. */
const CLUSTER_ANNOTATIONS = {
  /** The cluster's name in the Groundcrew fleet. */
  cluster: 'groundcrew.io/cluster',
  /** Its GKE location, else the fleet label `region`. */
  region: 'groundcrew.io/region',
} as const;

function isResourceOfType(entity: Entity, type: string): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === type
  );
}

/**
 * Whether the entity is a GCP project Resource (`spec.type: gcp-project`).
 *
 * @public
 */
export function isGcpProjectEntity(entity: Entity): boolean {
  return isResourceOfType(entity, INFRA_RESOURCE_TYPES.gcpProject);
}

/**
 * Whether the entity is a Kubernetes cluster Resource (`spec.type: kubernetes-cluster`).
 *
 * @public
 */
export function isKubernetesClusterEntity(entity: Entity): boolean {
  return isResourceOfType(entity, INFRA_RESOURCE_TYPES.kubernetesCluster);
}

/** The GCP project id of a project Resource: its annotation, else its name. */
export function projectIdOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[GROUNDCREW_ANNOTATIONS.gcpProject] ||
    entity.metadata.name
  );
}

/** Which cluster a cluster Resource stands for, and where GKE has it when it is a GKE cluster. */
export function clusterOf(entity: Entity): {
  name: string;
  projectId?: string;
  location?: string;
} {
  const annotations = entity.metadata.annotations ?? {};
  const projectId = annotations[GROUNDCREW_ANNOTATIONS.gcpProject] || undefined;
  return {
    name: annotations[CLUSTER_ANNOTATIONS.cluster] || entity.metadata.name,
    projectId,
    // A location means something to GKE only with its project.
    location: projectId
      ? annotations[CLUSTER_ANNOTATIONS.region] || undefined
      : undefined,
  };
}
