import { Entity } from '@backstage/catalog-model';
import {
  CachedPod,
  entitySelector,
  KubernetesCacheService,
} from '@groundcrew/plugin-infra-node';

/**
 * The entity's pods from the watch-fed cache, found the way the deploy board finds them
 * (infra-node's `entitySelector`: the Kubernetes plugin's annotations, `groundcrew.io/runway-service`,
 * else the entity name; `backstage.io/kubernetes-namespace` and `groundcrew.io/clusters` narrow it).
 */
export function entityPods(
  entity: Entity,
  cache: KubernetesCacheService,
): Array<{ cluster: string; pod: CachedPod }> {
  const { selector, match } = entitySelector(entity);
  const out: Array<{ cluster: string; pod: CachedPod }> = [];
  for (const { name: cluster } of cache.clusters()) {
    if (selector.clusters?.length && !selector.clusters.includes(cluster)) {
      continue;
    }
    for (const d of cache.deployments(cluster)) {
      if (selector.namespace && d.namespace !== selector.namespace) continue;
      if (!match.matches(d.labels)) continue;
      for (const rs of cache.replicaSetsOf(cluster, d.namespace, d.name)) {
        for (const pod of cache.podsOf(cluster, d.namespace, rs.name)) {
          if (!pod.deleting) out.push({ cluster, pod });
        }
      }
    }
  }
  return out;
}
