import { ClusterSummary } from '@groundcrew/plugin-infra-common';
import { KubernetesFleetService } from '@groundcrew/plugin-infra-node';

/**
 * A fleet cluster as a wizard shows it: its name and labels (`environment`, `region`, …) and where
 * it came from, never its endpoint or credentials.
 */
export type FleetClusterChoice = Pick<
  ClusterSummary,
  'name' | 'labels' | 'source'
>;

export interface FleetLookupServiceOptions {
  fleet: Pick<KubernetesFleetService, 'listClusters'>;
}

/** The lookups of the template wizards, answered from the Groundcrew Kubernetes fleet. */
export class FleetLookupService {
  static create(options: FleetLookupServiceOptions) {
    return new FleetLookupService(options.fleet);
  }

  private constructor(
    private readonly fleet: Pick<KubernetesFleetService, 'listClusters'>,
  ) {}

  /** The clusters of the fleet, from config and registered at run time, by name. */
  async listClusters(): Promise<FleetClusterChoice[]> {
    const clusters = await this.fleet.listClusters();
    return clusters
      .map(({ name, labels, source }) => ({ name, labels, source }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-US'));
  }
}
