/** A GitLab user and the personal access token it is known by. */
export interface GitlabUserRecord {
  id: number;
  username: string;
  name: string;
  email: string;
  /** Id of the user's personal namespace (GitLab keeps it apart from the user id). */
  namespaceId: number;
  /** Its personal access token (`PRIVATE-TOKEN`, `Authorization: Bearer`, Basic `oauth2:<token>`). */
  token: string;
  createdAt: string;
}

/** A top-level group (a namespace of kind `group`; its id is the namespace id). */
export interface GitlabGroupRecord {
  id: number;
  name: string;
  path: string;
  description: string;
  visibility: GitlabVisibility;
  createdAt: string;
}

export type GitlabVisibility = 'private' | 'internal' | 'public';

export interface GitlabVariableRecord {
  key: string;
  value: string;
  variable_type: 'env_var' | 'file';
  protected: boolean;
  masked: boolean;
  hidden: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}

export interface GitlabProtectedBranchRecord {
  id: number;
  name: string;
  allow_force_push: boolean;
  code_owner_approval_required: boolean;
}

/** A project's metadata; its repository is `<repositories>/<namespace path>/<path>.git`. */
export interface GitlabProjectRecord {
  id: number;
  name: string;
  path: string;
  namespaceId: number;
  description: string | null;
  visibility: GitlabVisibility;
  topics: string[];
  creatorId: number;
  createdAt: string;
  lastActivityAt: string;
  /** Other settings given at creation (merge_method, ci_config_path, …), echoed back. */
  settings: Record<string, unknown>;
  variables: GitlabVariableRecord[];
  protectedBranches: GitlabProtectedBranchRecord[];
}

export interface GitlabState {
  users: GitlabUserRecord[];
  groups: GitlabGroupRecord[];
  projects: GitlabProjectRecord[];
  /** Next id for projects, protected branches and other records. */
  nextId: number;
}

/** A project to create, with files committed on its default branch. */
export interface GitlabFixtureProject {
  /** Namespace path: a group's path or a user's username. */
  namespace: string;
  path: string;
  name?: string;
  id?: number;
  description?: string;
  visibility?: GitlabVisibility;
  topics?: string[];
  /** Default `main`. */
  defaultBranch?: string;
  /** Committed in one commit when the repository is created (absent from disk). */
  files?: Record<string, string>;
}

/** What the GitLab imitation starts with and `reset` returns to. */
export interface GitlabFixture {
  users?: Array<
    Omit<GitlabUserRecord, 'createdAt' | 'namespaceId'> & {
      namespaceId?: number;
    }
  >;
  groups?: Array<
    Pick<GitlabGroupRecord, 'id' | 'path'> &
      Partial<Omit<GitlabGroupRecord, 'id' | 'path'>>
  >;
  projects?: GitlabFixtureProject[];
}

export type GitlabNamespace =
  | {
      kind: 'group';
      id: number;
      path: string;
      name: string;
      group: GitlabGroupRecord;
    }
  | {
      kind: 'user';
      id: number;
      path: string;
      name: string;
      user: GitlabUserRecord;
    };
