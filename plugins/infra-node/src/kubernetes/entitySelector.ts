import { InputError } from '@backstage/errors';
import {
  BoardSelector,
  GROUNDCREW_ANNOTATIONS,
  KUBERNETES_ANNOTATIONS,
  RUNWAY_LABELS,
} from '@groundcrew/plugin-infra-common';
import { LabelSelector } from './cache/labelSelector';

/** What {@link entitySelector} reads of a catalog entity. */
interface EntityLike {
  metadata: { name: string; annotations?: Record<string, string> };
}

/**
 * Which workloads (and routes) belong to an entity, for the deploy board and the traffic plugin. The Kubernetes plugin's annotations work unchanged, so an
 * entity already set up for it needs nothing new:
 * 1. `backstage.io/kubernetes-label-selector`, as is;
 * 2. `groundcrew.io/runway-service` → `runway.gitlab.com/service=<name>`;
 * 3. `backstage.io/kubernetes-id` → `backstage.io/kubernetes-id=<id>`;
 * 4. else the entity name, as the Kubernetes plugin does.
 * `backstage.io/kubernetes-namespace` and `groundcrew.io/clusters` narrow the lookup.
 *
 * @public
 */
export function entitySelector(entity: EntityLike): {
  selector: BoardSelector;
  match: LabelSelector;
} {
  const annotations = entity.metadata.annotations ?? {};
  let selector: BoardSelector;
  const explicit = annotations[KUBERNETES_ANNOTATIONS.labelSelector];
  const runway = annotations[GROUNDCREW_ANNOTATIONS.runwayService];
  const id = annotations[KUBERNETES_ANNOTATIONS.id];
  if (explicit) {
    selector = {
      labelSelector: explicit,
      source: KUBERNETES_ANNOTATIONS.labelSelector,
    };
  } else if (runway) {
    selector = {
      labelSelector: `${RUNWAY_LABELS.service}=${runway}`,
      source: GROUNDCREW_ANNOTATIONS.runwayService,
    };
  } else if (id) {
    selector = {
      labelSelector: `${KUBERNETES_ANNOTATIONS.id}=${id}`,
      source: KUBERNETES_ANNOTATIONS.id,
    };
  } else {
    selector = {
      labelSelector: `${KUBERNETES_ANNOTATIONS.id}=${entity.metadata.name}`,
      source: 'metadata.name',
    };
  }
  const namespace = annotations[KUBERNETES_ANNOTATIONS.namespace];
  if (namespace) selector.namespace = namespace;
  const clusters = annotations[GROUNDCREW_ANNOTATIONS.clusters];
  if (clusters) {
    selector.clusters = clusters
      .split(',')
      .map(c => c.trim())
      .filter(Boolean);
  }
  let match: LabelSelector;
  try {
    match = LabelSelector.parse(selector.labelSelector);
  } catch (error) {
    throw new InputError(
      `The entity's ${
        selector.source
      } annotation is not a valid label selector: ${(error as Error).message}`,
    );
  }
  return { selector, match };
}

/**
 * One key per distinct lookup, so entities that select the same workloads share a board.
 *
 * @public
 */
export function selectorKey(selector: BoardSelector): string {
  return JSON.stringify([
    selector.labelSelector,
    selector.namespace ?? '',
    selector.clusters ?? [],
  ]);
}
