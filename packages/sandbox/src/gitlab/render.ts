import type { CommitInfo } from './git';
import type { GitlabStore } from './store';
import type {
  GitlabGroupRecord,
  GitlabNamespace,
  GitlabProjectRecord,
  GitlabProtectedBranchRecord,
  GitlabUserRecord,
  GitlabVariableRecord,
} from './types';

/** JSON shapes of GitLab's REST API v4 (the fields clients read, with GitLab's names). */
export class GitlabRender {
  constructor(
    private readonly store: GitlabStore,
    private readonly baseUrl: () => string,
  ) {}

  user(u: GitlabUserRecord, self = false): Record<string, unknown> {
    const base = this.baseUrl();
    return {
      id: u.id,
      username: u.username,
      name: u.name,
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${base}/${u.username}`,
      created_at: u.createdAt,
      bot: false,
      ...(self
        ? {
            email: u.email,
            public_email: u.email,
            is_admin: false,
            can_create_group: true,
            can_create_project: true,
            two_factor_enabled: false,
          }
        : {}),
    };
  }

  namespace(ns: GitlabNamespace): Record<string, unknown> {
    return {
      id: ns.id,
      name: ns.name,
      path: ns.path,
      kind: ns.kind,
      full_path: ns.path,
      parent_id: null,
      avatar_url: null,
      web_url:
        ns.kind === 'group'
          ? `${this.baseUrl()}/groups/${ns.path}`
          : `${this.baseUrl()}/${ns.path}`,
    };
  }

  group(g: GitlabGroupRecord): Record<string, unknown> {
    return {
      id: g.id,
      name: g.name,
      path: g.path,
      description: g.description,
      visibility: g.visibility,
      full_name: g.name,
      full_path: g.path,
      parent_id: null,
      avatar_url: null,
      web_url: `${this.baseUrl()}/groups/${g.path}`,
      created_at: g.createdAt,
    };
  }

  async project(p: GitlabProjectRecord): Promise<Record<string, unknown>> {
    const base = this.baseUrl();
    const ns = this.store.namespaceOf(p);
    const fullPath = `${ns.path}/${p.path}`;
    const webUrl = `${base}/${fullPath}`;
    const defaultBranch = await this.store.defaultBranch(p);
    const api = `${base}/api/v4/projects/${p.id}`;
    const host = new URL(base).hostname;
    return {
      id: p.id,
      description: p.description,
      name: p.name,
      name_with_namespace: `${ns.name} / ${p.name}`,
      path: p.path,
      path_with_namespace: fullPath,
      created_at: p.createdAt,
      default_branch: defaultBranch,
      tag_list: p.topics,
      topics: p.topics,
      ssh_url_to_repo: `git@${host}:${fullPath}.git`,
      http_url_to_repo: `${webUrl}.git`,
      web_url: webUrl,
      readme_url: null,
      forks_count: 0,
      avatar_url: null,
      star_count: 0,
      last_activity_at: p.lastActivityAt,
      namespace: this.namespace(ns),
      ...(ns.kind === 'user' ? { owner: this.user(ns.user) } : {}),
      _links: {
        self: api,
        issues: `${api}/issues`,
        merge_requests: `${api}/merge_requests`,
        repo_branches: `${api}/repository/branches`,
        labels: `${api}/labels`,
        events: `${api}/events`,
        members: `${api}/members`,
      },
      empty_repo: defaultBranch === null,
      archived: false,
      visibility: p.visibility,
      creator_id: p.creatorId,
      open_issues_count: 0,
      permissions: {
        project_access: { access_level: 50, notification_level: 3 },
        group_access: null,
      },
      ...p.settings,
    };
  }

  commit(p: GitlabProjectRecord, c: CommitInfo): Record<string, unknown> {
    return {
      id: c.id,
      short_id: c.id.slice(0, 8),
      created_at: c.committedDate,
      parent_ids: c.parentIds,
      title: c.title,
      message: c.message,
      author_name: c.authorName,
      author_email: c.authorEmail,
      authored_date: c.authoredDate,
      committer_name: c.committerName,
      committer_email: c.committerEmail,
      committed_date: c.committedDate,
      trailers: {},
      extended_trailers: {},
      web_url: `${this.baseUrl()}/${this.store.fullPath(p)}/-/commit/${c.id}`,
    };
  }

  branch(
    p: GitlabProjectRecord,
    name: string,
    commit: CommitInfo,
    defaultBranch: string | null,
  ): Record<string, unknown> {
    const isProtected = p.protectedBranches.some(b => b.name === name);
    return {
      name,
      merged: false,
      protected: isProtected,
      default: name === defaultBranch,
      developers_can_push: false,
      developers_can_merge: false,
      can_push: true,
      web_url: `${this.baseUrl()}/${this.store.fullPath(p)}/-/tree/${name}`,
      commit: this.commit(p, commit),
    };
  }

  protectedBranch(b: GitlabProtectedBranchRecord): Record<string, unknown> {
    const level = [
      {
        id: b.id,
        access_level: 40,
        access_level_description: 'Maintainers',
        user_id: null,
        group_id: null,
      },
    ];
    return {
      id: b.id,
      name: b.name,
      push_access_levels: level,
      merge_access_levels: level,
      unprotect_access_levels: [],
      allow_force_push: b.allow_force_push,
      code_owner_approval_required: b.code_owner_approval_required,
    };
  }

  variable(v: GitlabVariableRecord): Record<string, unknown> {
    return { ...v, value: v.hidden ? null : v.value };
  }
}
