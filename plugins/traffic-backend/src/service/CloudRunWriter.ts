import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { TrafficRoute } from '@groundcrew/plugin-infra-common';
import type { GcpService } from '@groundcrew/plugin-infra-node';
import { isCloudRunCanary, normaliseCloudRun, reweigh } from './normalise';
import { changedWhileWritingError, staleRouteError } from './RouteWriter';

/** The pseudo-cluster of a Cloud Run region in the traffic model: `cloud-run/us-east1`. */
export const CLOUD_RUN_CLUSTER_PREFIX = 'cloud-run/';

/**
 * Writes the canary's share of a Runway service on Cloud Run: only the service's traffic targets
 * change (update mask `traffic`, so no new revision), with the etag the caller saw as a
 * precondition — a service changed meanwhile is a ConflictError that says what changed, and
 * nothing is written. The mirror of {@link RouteWriter} for Kubernetes routes.
 */
export class CloudRunWriter {
  constructor(private readonly gcp: GcpService) {}

  async change(options: {
    cluster: string;
    seen: TrafficRoute;
    expectedVersion: string;
    target: (current: number, route: TrafficRoute) => number;
    entitySteps?: number[];
  }): Promise<{ before: number; after: number }> {
    const { cluster, seen, expectedVersion } = options;
    const ref = {
      projectId: seen.namespace,
      location: cluster.slice(CLOUD_RUN_CLUSTER_PREFIX.length),
      name: seen.name,
    };
    const live = async () => {
      const service = await this.gcp.getRunService(ref);
      if (!service) {
        throw new NotFoundError(
          `cluster ${cluster}: the Cloud Run service ${ref.name} no longer exists in ${ref.projectId}`,
        );
      }
      return {
        service,
        route: normaliseCloudRun(service, options.entitySteps),
      };
    };
    const { service, route } = await live();
    if (route.resourceVersion !== expectedVersion) {
      throw staleRouteError(cluster, seen, expectedVersion, route, 'etag');
    }
    if (route.readOnlyReason || route.canaryPercent === null) {
      throw new InputError(
        `route: ${seen.route} in cluster ${cluster} cannot be changed: ${route.readOnlyReason}`,
      );
    }
    const before = route.canaryPercent;
    const after = options.target(before, route);
    if (after === before) return { before, after };

    // The targets as configured (not as served), with only their percentages changed. A stable
    // target at 0 % stays, so that a roll back has a revision to return to.
    const targets = service.traffic;
    const weights = reweigh(
      targets.map(t => ({
        weight: t.percent,
        canary: isCloudRunCanary(service, targets, t),
      })),
      after,
    );
    try {
      await this.gcp.updateRunServiceTraffic(
        ref,
        targets.map((t, i) => ({ ...t, percent: weights[i] })),
        { etag: service.etag },
      );
    } catch (e) {
      if (e instanceof ConflictError) {
        // Changed between our read and our write: say how, from a fresh read.
        const now = await live().catch(() => undefined);
        throw changedWhileWritingError(cluster, seen, now?.route);
      }
      throw e;
    }
    return { before, after };
  }
}
