import { InputError } from '@backstage/errors';
import {
  GCP_REGIONS,
  GcpBillingAccount,
  GcpProject,
  GcpProjectIdAvailability,
  gcpProjectIdProblem,
  GcpRegion,
  GkeClusterSummary,
} from '@groundcrew/plugin-infra-common';
import { GcpService } from '@groundcrew/plugin-infra-node';

/** What the lookups read of GCP. */
export type GcpLookupSource = Pick<
  GcpService,
  | 'regions'
  | 'getProject'
  | 'searchProjects'
  | 'listClusters'
  | 'listBillingAccounts'
>;

export interface GcpLookupServiceOptions {
  gcp: GcpLookupSource;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
/** What a person types to find a project: words of letters, digits, `-`, `_`, `'` and `!`. */
const SEARCH_TEXT = /^[\p{L}\p{N}\s'!_-]*$/u;
/** A region (`us-east1`) or zone (`us-east1-b`). */
const GCP_LOCATION = /^[a-z]+-[a-z]+\d+(-[a-z])?$/;

/**
 * Checks a project id and an optional region or zone from a request; InputError naming the field
 * (`projectId`, or whatever `fields` calls them in the route).
 */
export function checkGcpPlace(
  place: { projectId: string; location?: string },
  fields: { projectId: string; location: string } = {
    projectId: 'projectId',
    location: 'location',
  },
): void {
  const problem = gcpProjectIdProblem(place.projectId);
  if (problem) {
    throw new InputError(`${fields.projectId} "${place.projectId}" ${problem}`);
  }
  if (place.location !== undefined && !GCP_LOCATION.test(place.location)) {
    throw new InputError(
      `${fields.location} must be a GCP region (us-east1) or zone (us-east1-b), got "${place.location}"`,
    );
  }
}

/**
 * The lookups of the template wizards, answered from GCP: whether a project id is free, which
 * projects, regions, billing accounts and clusters there are to choose from.
 */
export class GcpLookupService {
  static create(options: GcpLookupServiceOptions) {
    return new GcpLookupService(options.gcp);
  }

  private constructor(private readonly gcp: GcpLookupSource) {}

  /**
   * Whether a new project could take this id. A project that exists but that Groundcrew cannot see
   * reads as `available`: GCP tells the two apart only when the project is created.
   */
  async projectIdAvailability(
    projectId: string,
  ): Promise<GcpProjectIdAvailability> {
    const problem = gcpProjectIdProblem(projectId);
    if (problem) return { projectId, status: 'invalid', problem };
    const project = await this.gcp.getProject(projectId);
    return project
      ? { projectId, status: 'taken', project }
      : { projectId, status: 'available' };
  }

  /**
   * Projects Groundcrew can see whose id or display name starts with one of the words of `query`,
   * active ones only unless `includeInactive`.
   */
  async searchProjects(options: {
    query?: string;
    limit?: number;
    includeInactive?: boolean;
  }): Promise<GcpProject[]> {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InputError(
        `limit must be a whole number from 1 to ${MAX_LIMIT}, got ${limit}`,
      );
    }
    const text = options.query ?? '';
    // The words become Resource Manager search terms: nothing else of its syntax may get through.
    if (!SEARCH_TEXT.test(text)) {
      throw new InputError(
        `query may contain only letters, digits, spaces, hyphens, underscores, apostrophes and exclamation marks, got "${text}"`,
      );
    }
    const words = text
      .split(/[\s'!]+/)
      .map(w => w.toLowerCase())
      .filter(Boolean);
    // Resource Manager matches a project that meets any one of the terms.
    const query = words.flatMap(w => [`id:${w}*`, `name:${w}*`]).join(' ');
    // Ask for more than the limit: inactive projects are dropped afterwards.
    const found = await this.gcp.searchProjects({
      query: query || undefined,
      limit: Math.min(limit * 2, MAX_LIMIT),
    });
    return found
      .filter(p => options.includeInactive || p.state === 'ACTIVE')
      .slice(0, limit);
  }

  /** The regions offered for clusters (config `groundcrew.gcp.regions`), with their names. */
  regions(): GcpRegion[] {
    const names = new Map(GCP_REGIONS.map(r => [r.id, r.location]));
    return this.gcp
      .regions()
      .map(id => ({ id, location: names.get(id) ?? '' }));
  }

  /** Clusters of a project, in one region or zone or (by default) all. */
  async listClusters(options: {
    projectId: string;
    location?: string;
  }): Promise<GkeClusterSummary[]> {
    const { projectId, location } = options;
    checkGcpPlace({ projectId, location });
    const clusters = await this.gcp.listClusters({ projectId, location });
    return clusters
      .map(({ caCertificatePem: _ca, ...cluster }) => cluster)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Billing accounts Groundcrew may link projects to, open ones first. */
  async listBillingAccounts(): Promise<GcpBillingAccount[]> {
    const accounts = await this.gcp.listBillingAccounts();
    return [...accounts].sort(
      (a, b) =>
        Number(b.open) - Number(a.open) ||
        a.displayName.localeCompare(b.displayName),
    );
  }
}
