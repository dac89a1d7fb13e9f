import { NotAllowedError } from '@backstage/errors';
import { GcpProject, GkeCluster } from '@groundcrew/plugin-infra-common';
import { GcpBillingAccount, GcpService } from '@groundcrew/plugin-infra-node';
import { GcpLookupSource } from '../service/GcpLookupService';

/** What the in-memory GCP holds; only what the lookups read. */
export interface InMemoryGcpState {
  regions: string[];
  projects: GcpProject[];
  clusters: GkeCluster[];
  billingAccounts: GcpBillingAccount[];
}

/** One Resource Manager search term (`id:ai*`, `name:ai*`) against a project. */
function matchesTerm(project: GcpProject, term: string): boolean {
  const [field, raw] = term.split(':');
  const prefix = raw.endsWith('*');
  const value = raw.replace(/\*$/, '').toLowerCase();
  const subject = (
    field === 'id' ? project.projectId : project.displayName
  ).toLowerCase();
  return prefix ? subject.startsWith(value) : subject === value;
}

/**
 * A test double of {@link GcpService} for the lookups, holding projects and clusters in memory. It
 * answers a search the way Resource Manager does: a project that meets any one term. `calls`
 * records what the lookups asked.
 */
export class InMemoryGcpService implements GcpLookupSource {
  readonly calls: Array<{ method: string; args: unknown }> = [];

  constructor(readonly state: InMemoryGcpState) {}

  regions() {
    return [...this.state.regions];
  }

  async getProject(projectId: string) {
    this.calls.push({ method: 'getProject', args: projectId });
    return this.state.projects.find(p => p.projectId === projectId);
  }

  async searchProjects(options?: { query?: string; limit?: number }) {
    this.calls.push({ method: 'searchProjects', args: options });
    const terms = (options?.query ?? '').split(' ').filter(Boolean);
    return this.state.projects
      .filter(p => !terms.length || terms.some(t => matchesTerm(p, t)))
      .slice(0, options?.limit ?? 100);
  }

  async listClusters(ref: { projectId: string; location?: string }) {
    this.calls.push({ method: 'listClusters', args: ref });
    if (!this.state.projects.some(p => p.projectId === ref.projectId)) {
      throw new NotAllowedError(
        `Listing the GKE clusters of ${ref.projectId}: permission denied`,
      );
    }
    return this.state.clusters.filter(
      c =>
        c.projectId === ref.projectId &&
        (!ref.location || ref.location === '-' || c.location === ref.location),
    );
  }

  async listBillingAccounts() {
    return [...this.state.billingAccounts];
  }
}

/**
 * The fake as a whole {@link GcpService}, for a backend's service factory: a method the lookups do
 * not use throws when called.
 */
export function asGcpService(fake: InMemoryGcpService): GcpService {
  return new Proxy(fake, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver);
      // Not a thenable: the backend awaits what a service factory returns.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      return () => {
        throw new Error(
          `GcpService.${String(property)} is not used by the lookups`,
        );
      };
    },
  }) as unknown as GcpService;
}
