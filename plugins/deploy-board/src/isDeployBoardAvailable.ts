import { Entity } from '@backstage/catalog-model';
import {
  GROUNDCREW_ANNOTATIONS,
  KUBERNETES_ANNOTATIONS,
} from '@groundcrew/plugin-infra-common';

const BOARD_ANNOTATIONS = [
  GROUNDCREW_ANNOTATIONS.runwayService,
  KUBERNETES_ANNOTATIONS.id,
  KUBERNETES_ANNOTATIONS.labelSelector,
];

/**
 * Whether the entity says where its workloads run, so the deploy board has something to look for.
 *
 * @public
 */
export function isDeployBoardAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return BOARD_ANNOTATIONS.some(annotation => Boolean(annotations[annotation]));
}
