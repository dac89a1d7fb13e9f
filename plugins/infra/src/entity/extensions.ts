import { createComponentExtension } from '@backstage/core-plugin-api';
import { infraPlugin } from '../plugin';

/**
 * The overview card of a GCP project Resource (`spec.type: gcp-project`): parent, billing, labels,
 * enabled APIs and a link to the Google Cloud console. Show it with `isGcpProjectEntity`.
 *
 * @public
 */
export const EntityGcpProjectOverviewCard = infraPlugin.provide(
  createComponentExtension({
    name: 'EntityGcpProjectOverviewCard',
    component: {
      lazy: () =>
        import('./GcpProjectOverviewCard').then(m => m.GcpProjectOverviewCard),
    },
  }),
);

/**
 * The overview card of a Kubernetes cluster Resource (`spec.type: kubernetes-cluster`):
 * reachability, version, GKE node pools, workload health, the services on it with links to their
 * deploy boards, and a link to the Google Cloud console. Show it with `isKubernetesClusterEntity`.
 *
 * @public
 */
export const EntityKubernetesClusterOverviewCard = infraPlugin.provide(
  createComponentExtension({
    name: 'EntityKubernetesClusterOverviewCard',
    component: {
      lazy: () =>
        import('./KubernetesClusterOverviewCard').then(
          m => m.KubernetesClusterOverviewCard,
        ),
    },
  }),
);
