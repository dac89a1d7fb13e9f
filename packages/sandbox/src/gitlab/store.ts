import fs from 'node:fs';
import path from 'node:path';
import {
  commitFiles,
  headBranch,
  initBareRepo,
  listBranches,
  setHeadBranch,
} from './git';
import type {
  GitlabFixture,
  GitlabFixtureProject,
  GitlabGroupRecord,
  GitlabNamespace,
  GitlabProjectRecord,
  GitlabState,
  GitlabUserRecord,
} from './types';

const FIRST_ID = 1000;

interface PersistedState {
  version: 1;
  state: GitlabState;
}

function now(): string {
  return new Date().toISOString();
}

/**
 * The GitLab imitation's records (users, groups, projects and their settings)
 * and the bare repositories on disk, one per project, under `repositories/`.
 * The records are saved to `gitlab.json` beside them after every change.
 */
export class GitlabStore {
  state: GitlabState = {
    users: [],
    groups: [],
    projects: [],
    nextId: FIRST_ID,
  };
  private fixture: GitlabFixture = {};
  readonly repositories: string;
  private readonly stateFile: string;

  constructor(readonly dir: string) {
    this.repositories = path.join(dir, 'repositories');
    this.stateFile = path.join(dir, 'gitlab.json');
  }

  /** Loads the saved records when there are any, else the fixture; creates missing repositories. */
  async open(fixture: GitlabFixture): Promise<void> {
    this.fixture = fixture;
    await fs.promises.mkdir(this.repositories, { recursive: true });
    const saved = this.readStateFile();
    this.state = saved ?? this.emptyState();
    // Users (and their tokens) are configuration: always from the fixture.
    this.state.users = this.fixtureUsers(fixture);
    await this.applyFixture(fixture);
    // A project whose repository was removed from disk is gone.
    this.state.projects = this.state.projects.filter(p =>
      fs.existsSync(path.join(this.gitDir(p), 'HEAD')),
    );
    this.save();
  }

  /** Back to the fixture: records and repositories of everything else are removed. */
  async reset(): Promise<void> {
    await fs.promises.rm(this.repositories, { recursive: true, force: true });
    await fs.promises.mkdir(this.repositories, { recursive: true });
    this.state = this.emptyState();
    this.state.users = this.fixtureUsers(this.fixture);
    await this.applyFixture(this.fixture);
    this.save();
  }

  /** Adds records; with `replace`, they become the fixture that `reset` returns to. */
  async load(fixture: GitlabFixture, replace: boolean): Promise<void> {
    if (replace) {
      // The token's user stays unless the new fixture names users.
      this.fixture = { ...fixture, users: fixture.users ?? this.fixture.users };
      await this.reset();
      return;
    }
    for (const u of this.fixtureUsers(fixture)) {
      if (!this.state.users.some(x => x.id === u.id)) this.state.users.push(u);
    }
    await this.applyFixture(fixture);
    this.save();
  }

  private emptyState(): GitlabState {
    return { users: [], groups: [], projects: [], nextId: FIRST_ID };
  }

  private fixtureUsers(fixture: GitlabFixture): GitlabUserRecord[] {
    return (fixture.users ?? []).map(u => ({
      ...u,
      namespaceId: u.namespaceId ?? u.id,
      createdAt: '2025-01-01T00:00:00.000Z',
    }));
  }

  private async applyFixture(fixture: GitlabFixture): Promise<void> {
    for (const g of fixture.groups ?? []) {
      if (this.state.groups.some(x => x.id === g.id || x.path === g.path)) {
        continue;
      }
      this.state.groups.push({
        name: g.path,
        description: '',
        visibility: 'private',
        createdAt: '2025-01-01T00:00:00.000Z',
        ...g,
      });
    }
    for (const p of fixture.projects ?? []) {
      await this.ensureFixtureProject(p);
    }
    const maxId = Math.max(
      0,
      ...this.state.projects.map(p => p.id),
      ...this.state.groups.map(g => g.id),
      ...this.state.users.map(u => Math.max(u.id, u.namespaceId)),
      ...this.state.projects.flatMap(p => p.protectedBranches.map(b => b.id)),
    );
    this.state.nextId = Math.max(this.state.nextId, maxId + 1);
  }

  private async ensureFixtureProject(p: GitlabFixtureProject): Promise<void> {
    const ns = this.namespace(p.namespace);
    if (!ns) {
      throw new Error(`fixture project ${p.path}: no namespace ${p.namespace}`);
    }
    let record = this.projectByPath(`${ns.path}/${p.path}`);
    if (!record) {
      record = {
        id: p.id ?? this.state.nextId++,
        name: p.name ?? p.path,
        path: p.path,
        namespaceId: ns.id,
        description: p.description ?? null,
        visibility: p.visibility ?? 'private',
        topics: p.topics ?? [],
        creatorId: this.state.users[0]?.id ?? 0,
        createdAt: '2025-01-01T00:00:00.000Z',
        lastActivityAt: '2025-01-01T00:00:00.000Z',
        settings: {},
        variables: [],
        protectedBranches: [],
      };
      this.state.projects.push(record);
    }
    const gitDir = this.gitDir(record);
    if (!fs.existsSync(path.join(gitDir, 'HEAD'))) {
      const branch = p.defaultBranch ?? 'main';
      await initBareRepo(gitDir, branch);
      if (p.files && Object.keys(p.files).length) {
        await commitFiles(gitDir, {
          branch,
          files: p.files,
          message: 'Initial commit',
          author: {
            name: 'Groundcrew Bot',
            email: 'groundcrew-bot@groundcrew.example',
          },
        });
      }
    }
  }

  // --- lookups -------------------------------------------------------------

  userByToken(token: string): GitlabUserRecord | undefined {
    return this.state.users.find(u => u.token === token);
  }

  user(idOrUsername: string): GitlabUserRecord | undefined {
    return /^\d+$/.test(idOrUsername)
      ? this.state.users.find(u => u.id === Number(idOrUsername))
      : this.state.users.find(
          u => u.username.toLowerCase() === idOrUsername.toLowerCase(),
        );
  }

  group(idOrPath: string): GitlabGroupRecord | undefined {
    return /^\d+$/.test(idOrPath)
      ? this.state.groups.find(g => g.id === Number(idOrPath))
      : this.state.groups.find(
          g => g.path.toLowerCase() === idOrPath.toLowerCase(),
        );
  }

  namespaces(): GitlabNamespace[] {
    return [
      ...this.state.users.map(
        (user): GitlabNamespace => ({
          kind: 'user',
          id: user.namespaceId,
          path: user.username,
          name: user.name,
          user,
        }),
      ),
      ...this.state.groups.map(
        (group): GitlabNamespace => ({
          kind: 'group',
          id: group.id,
          path: group.path,
          name: group.name,
          group,
        }),
      ),
    ];
  }

  /** By id or full path, as `GET /namespaces/:id` takes it. */
  namespace(idOrPath: string | number): GitlabNamespace | undefined {
    const key = String(idOrPath);
    const all = this.namespaces();
    return /^\d+$/.test(key)
      ? all.find(n => n.id === Number(key))
      : all.find(n => n.path.toLowerCase() === key.toLowerCase());
  }

  namespaceOf(project: GitlabProjectRecord): GitlabNamespace {
    const ns = this.namespace(project.namespaceId);
    if (!ns) throw new Error(`project ${project.id} has no namespace`);
    return ns;
  }

  fullPath(project: GitlabProjectRecord): string {
    return `${this.namespaceOf(project).path}/${project.path}`;
  }

  projectByPath(fullPath: string): GitlabProjectRecord | undefined {
    const want = fullPath.replace(/\.git$/, '').toLowerCase();
    return this.state.projects.find(
      p => this.fullPath(p).toLowerCase() === want,
    );
  }

  /** By numeric id or url-decoded full path (`team-ai/ai-gateway`). */
  project(idOrPath: string): GitlabProjectRecord | undefined {
    return /^\d+$/.test(idOrPath)
      ? this.state.projects.find(p => p.id === Number(idOrPath))
      : this.projectByPath(idOrPath);
  }

  /** The bare repository's directory (also its path under `repositories`, for `git http-backend`). */
  gitDir(project: GitlabProjectRecord): string {
    return path.join(this.repositories, `${this.fullPath(project)}.git`);
  }

  /** The project's default branch, or null while its repository is empty. */
  async defaultBranch(project: GitlabProjectRecord): Promise<string | null> {
    const gitDir = this.gitDir(project);
    const branches = await listBranches(gitDir);
    if (!branches.length) return null;
    const head = await headBranch(gitDir);
    return head && branches.some(b => b.name === head)
      ? head
      : branches[0].name;
  }

  /**
   * After a push: as GitLab does, the first branch pushed to an empty project
   * becomes its default branch (HEAD), so that `git clone` checks it out.
   */
  async afterPush(project: GitlabProjectRecord): Promise<void> {
    const gitDir = this.gitDir(project);
    const branches = await listBranches(gitDir);
    const head = await headBranch(gitDir);
    if (branches.length && !branches.some(b => b.name === head)) {
      const preferred =
        branches.find(b => b.name === 'main') ??
        branches.find(b => b.name === 'master') ??
        branches[0];
      await setHeadBranch(gitDir, preferred.name);
    }
    project.lastActivityAt = now();
    this.save();
  }

  // --- mutations -----------------------------------------------------------

  /** Records a project (synchronously, so a concurrent create sees it) and creates its repository. */
  async createProject(
    p: Omit<
      GitlabProjectRecord,
      'id' | 'createdAt' | 'lastActivityAt' | 'variables' | 'protectedBranches'
    >,
    defaultBranch: string,
    readme?: string,
  ): Promise<GitlabProjectRecord> {
    const record: GitlabProjectRecord = {
      ...p,
      id: this.state.nextId++,
      createdAt: now(),
      lastActivityAt: now(),
      variables: [],
      protectedBranches: [],
    };
    this.state.projects.push(record);
    try {
      const gitDir = this.gitDir(record);
      await fs.promises.rm(gitDir, { recursive: true, force: true });
      await initBareRepo(gitDir, defaultBranch);
      if (readme !== undefined) {
        await commitFiles(gitDir, {
          branch: defaultBranch,
          files: { 'README.md': readme },
          message: 'Initial commit',
          author: {
            name: this.user(String(p.creatorId))?.name ?? 'GitLab',
            email:
              this.user(String(p.creatorId))?.email ?? 'gitlab@example.com',
          },
        });
      }
    } catch (e) {
      this.state.projects = this.state.projects.filter(x => x !== record);
      throw e;
    }
    this.save();
    return record;
  }

  async deleteProject(project: GitlabProjectRecord): Promise<void> {
    const gitDir = this.gitDir(project);
    this.state.projects = this.state.projects.filter(p => p !== project);
    this.save();
    await fs.promises.rm(gitDir, { recursive: true, force: true });
  }

  nextId(): number {
    return this.state.nextId++;
  }

  save(): void {
    const persisted: PersistedState = { version: 1, state: this.state };
    const tmp = `${this.stateFile}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(persisted, null, 2)}\n`, {
      mode: 0o600,
    });
    fs.renameSync(tmp, this.stateFile);
  }

  private readStateFile(): GitlabState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.stateFile, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as PersistedState;
      if (parsed?.version !== 1 || !Array.isArray(parsed.state?.projects)) {
        throw new Error('unknown version');
      }
      return parsed.state;
    } catch (e) {
      process.stderr.write(
        `sandbox gitlab: ignoring ${this.stateFile} (${
          (e as Error).message
        }); starting from the demo state\n`,
      );
      return undefined;
    }
  }
}
