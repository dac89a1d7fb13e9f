/**
 * A Kubernetes cluster as the rest of Groundcrew sees it: never with its credentials.
 *
 * @public
 */
export interface ClusterSummary {
  name: string;
  url: string;
  labels: Record<string, string>;
  /** Where the cluster came from: app config, or registered at run time. */
  source: 'config' | 'registered';
}
