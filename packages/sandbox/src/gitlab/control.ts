import { SandboxControl } from '../control';
import type { GitlabFixture, GitlabState } from './types';

/**
 * The control API of the GitLab imitation: everything {@link SandboxControl}
 * does (faults, counters, reset, down/up), plus GitLab fixtures and a view of
 * the records (tokens left out).
 */
export class GitlabControl extends SandboxControl {
  /**
   * Adds users, groups and projects (projects with files get a repository
   * with one commit), or with `replace` makes them the fixture `reset` returns to.
   */
  async loadGitlabFixture(
    fixture: GitlabFixture,
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    await this.call('POST', '/_sandbox/fixture', {
      fixture,
      replace: opts.replace ?? false,
    });
  }

  /** The records, and where the repositories live on disk. */
  async state(): Promise<
    Omit<GitlabState, 'users'> & {
      users: Array<Omit<GitlabState['users'][number], 'token'>>;
      repositories: string;
    }
  > {
    return (await this.call('GET', '/_sandbox/gitlab/state')) as Omit<
      GitlabState,
      'users'
    > & {
      users: Array<Omit<GitlabState['users'][number], 'token'>>;
      repositories: string;
    };
  }
}
