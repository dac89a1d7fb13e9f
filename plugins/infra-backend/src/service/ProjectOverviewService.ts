import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { GcpProjectOverview } from '@groundcrew/plugin-infra-common';
import { GcpService } from '@groundcrew/plugin-infra-node';
import { checkGcpPlace } from './GcpLookupService';
import { readFrom } from './sourceErrors';

/** What the project page reads of GCP. */
export type ProjectOverviewSource = Pick<
  GcpService,
  'getProject' | 'getParent' | 'getProjectBilling' | 'listEnabledServices'
>;

export interface ProjectOverviewServiceOptions {
  gcp: ProjectOverviewSource;
  logger: LoggerService;
}

/** A GCP project's page: the project, its parent, billing and enabled APIs, read from GCP. */
export class ProjectOverviewService {
  static create(options: ProjectOverviewServiceOptions) {
    return new ProjectOverviewService(options.gcp, options.logger);
  }

  private constructor(
    private readonly gcp: ProjectOverviewSource,
    private readonly logger: LoggerService,
  ) {}

  /**
   * The overview of a project Groundcrew can see. NotFoundError when GCP has no such project for
   * Groundcrew (GCP answers the same for a missing one and one in an organization Groundcrew
   * cannot see); ServiceUnavailableError when GCP does not answer.
   */
  async overview(projectId: string): Promise<GcpProjectOverview> {
    checkGcpPlace({ projectId });
    const read = <T>(what: string, fn: () => Promise<T>) =>
      readFrom({ system: 'GCP', what, logger: this.logger, read: fn });

    const project = await read(`project ${projectId}`, () =>
      this.gcp.getProject(projectId),
    );
    if (!project) {
      throw new NotFoundError(
        `GCP project ${projectId} does not exist or Groundcrew may not see it`,
      );
    }
    const [parent, billing, enabledApis] = await Promise.all([
      read(`the parent of project ${projectId}`, () =>
        this.gcp.getParent(project.parent),
      ),
      read(`the billing of project ${projectId}`, () =>
        this.gcp.getProjectBilling(projectId),
      ),
      read(`the enabled APIs of project ${projectId}`, () =>
        this.gcp.listEnabledServices(projectId),
      ),
    ]);
    return {
      project,
      parentDisplayName: parent?.displayName,
      billing: {
        billingAccountName: billing.billingAccountName || undefined,
        billingEnabled: billing.billingEnabled,
      },
      enabledApis: [...enabledApis].sort(),
    };
  }
}
