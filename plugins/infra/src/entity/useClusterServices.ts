import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  GROUNDCREW_ANNOTATIONS,
  KUBERNETES_ANNOTATIONS,
} from '@groundcrew/plugin-infra-common';
import { LookupState, useLookup } from '../fields/useLookup';

/** A service that runs on a cluster, as the cluster page lists it. */
export interface ClusterService {
  ref: CompoundEntityRef;
  title: string;
  /** Whether the service's page has a deploy board tab (it says where its workloads run). */
  hasDeployBoard: boolean;
}

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
];

function toService(entity: Entity): ClusterService {
  const annotations = entity.metadata.annotations ?? {};
  return {
    ref: getCompoundEntityRef(entity),
    title: entity.metadata.title || entity.metadata.name,
    hasDeployBoard: Boolean(
      annotations[GROUNDCREW_ANNOTATIONS.runwayService] ||
        annotations[KUBERNETES_ANNOTATIONS.id] ||
        annotations[KUBERNETES_ANNOTATIONS.labelSelector],
    ),
  };
}

/**
 * The Components that run on a cluster: those whose `dependsOn` names the cluster (the catalog's
 * `dependencyOf` relations of the cluster entity) and those whose Runway service has Deployments
 * on it (`runwayServices`, from the watch cache), by title.
 */
export function useClusterServices(
  cluster: Entity,
  runwayServices: string[] | undefined,
): LookupState<ClusterService[]> {
  const catalogApi = useApi(catalogApiRef);
  const dependents = (cluster.relations ?? [])
    .filter(r => r.type === RELATION_DEPENDENCY_OF)
    .map(r => r.targetRef)
    .filter(
      ref =>
        parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'component',
    );
  const names = runwayServices ?? [];
  return useLookup(async () => {
    const [byRelation, byRunway] = await Promise.all([
      dependents.length
        ? catalogApi.getEntitiesByRefs({
            entityRefs: dependents,
            fields: FIELDS,
          })
        : { items: [] },
      names.length
        ? catalogApi.getEntities({
            filter: {
              kind: 'Component',
              [`metadata.annotations.${GROUNDCREW_ANNOTATIONS.runwayService}`]:
                names,
            },
            fields: FIELDS,
          })
        : { items: [] },
    ]);
    const found = new Map<string, ClusterService>();
    for (const entity of [...byRelation.items, ...byRunway.items]) {
      if (entity) found.set(stringifyEntityRef(entity), toService(entity));
    }
    return [...found.values()].sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi, dependents.join(','), names.join(',')]);
}
