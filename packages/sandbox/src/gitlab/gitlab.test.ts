import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Gitlab } from '@gitbeaker/rest';
import { Sandbox, startSandbox } from '../sandbox';
import { DEMO_GITLAB, DEMO_GITLAB_TOKEN } from './demo';

const run = promisify(execFile);

/** The git CLI with no user or system config, as a CI machine would run it. */
async function gitCli(cwd: string, ...args: string[]) {
  const { stdout } = await run('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@groundcrew.example',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@groundcrew.example',
    },
  });
  return stdout;
}

function withCredentials(url: string, token: string): string {
  const u = new URL(url);
  u.username = 'oauth2';
  u.password = token;
  return u.toString();
}

describe('GitLab imitation', () => {
  let sandbox: Sandbox;
  let api: InstanceType<typeof Gitlab>;
  let work: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ clusters: [], gcp: { enabled: false } });
    api = new Gitlab({
      host: sandbox.gitlab!.url,
      token: sandbox.gitlab!.token,
    });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'gitlab-test-'));
  });

  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await sandbox.gitlab!.control.reset();
    await sandbox.gitlab!.control.resetCounters();
  });

  it('serves plain HTTP with the demo token, user, groups and project', async () => {
    const gitlab = sandbox.gitlab!;
    expect(gitlab.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gitlab.apiBaseUrl).toBe(`${gitlab.url}/api/v4`);
    expect(gitlab.token).toBe(DEMO_GITLAB_TOKEN);

    const me = await api.Users.showCurrentUser();
    expect(me).toMatchObject({ id: 2, username: 'groundcrew-bot' });
    const ns = await api.Namespaces.show('team-ai');
    expect(ns).toMatchObject({
      id: DEMO_GITLAB.groups['team-ai'],
      kind: 'group',
      full_path: 'team-ai',
    });
    const groups = await api.Groups.all();
    expect(groups.map(g => g.path).sort()).toEqual([
      'platform',
      'team-ai',
      'team-commerce',
    ]);
    const found = await api.Groups.allProjects('team-ai', {
      search: 'ai-gateway',
    });
    expect(found.map(p => p.path_with_namespace)).toEqual([
      'team-ai/ai-gateway',
    ]);
    const byPath = await api.Projects.show('team-ai/ai-gateway');
    expect(byPath).toMatchObject({
      id: 101,
      default_branch: 'main',
      http_url_to_repo: `${gitlab.url}/team-ai/ai-gateway.git`,
    });
    const raw = await fetch(
      `${gitlab.apiBaseUrl}/projects/team-ai%2Fai-gateway/repository/files/catalog-info.yaml/raw?ref=main`,
      { headers: { Authorization: `Bearer ${gitlab.token}` } },
    );
    expect(raw.status).toBe(200);
    expect(await raw.text()).toContain('name: ai-gateway');
  });

  it('creates a project, takes a git push, clones it and serves its files', async () => {
    const gitlab = sandbox.gitlab!;
    const ns = await api.Namespaces.show('team-commerce');
    const created = await api.Projects.create({
      namespaceId: ns.id,
      name: 'cart-svc',
      path: 'cart-svc',
      visibility: 'private',
    });
    expect(created).toMatchObject({
      path_with_namespace: 'team-commerce/cart-svc',
      default_branch: null,
      empty_repo: true,
      http_url_to_repo: `${gitlab.url}/team-commerce/cart-svc.git`,
    });

    // A real push with the git CLI, credentials as publish:gitlab gives them.
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(
      path.join(src, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: cart-svc\n',
    );
    fs.mkdirSync(path.join(src, 'docs'));
    fs.writeFileSync(path.join(src, 'docs', 'index.md'), '# Cart\n');
    await gitCli(src, 'init', '--quiet', '--initial-branch=main');
    await gitCli(src, 'add', '.');
    await gitCli(src, 'commit', '--quiet', '-m', 'initial commit');
    const remote = withCredentials(
      String(created.http_url_to_repo),
      gitlab.token,
    );
    await gitCli(src, 'push', '--quiet', remote, 'main');

    // A clone of the new repository checks out what was pushed.
    const clone = path.join(work, 'clone');
    await gitCli(work, 'clone', '--quiet', remote, clone);
    expect(
      fs.readFileSync(path.join(clone, 'catalog-info.yaml'), 'utf8'),
    ).toContain('name: cart-svc');
    expect(fs.readFileSync(path.join(clone, 'docs', 'index.md'), 'utf8')).toBe(
      '# Cart\n',
    );

    const project = await api.Projects.show(created.id);
    expect(project).toMatchObject({
      default_branch: 'main',
      empty_repo: false,
    });

    // Raw read of the pushed file, with ETag and 304.
    const rawUrl = `${gitlab.apiBaseUrl}/projects/${encodeURIComponent(
      'team-commerce/cart-svc',
    )}/repository/files/${encodeURIComponent('docs/index.md')}/raw?ref=main`;
    const first = await fetch(rawUrl, {
      headers: { 'PRIVATE-TOKEN': gitlab.token },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await first.text()).toBe('# Cart\n');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(rawUrl, {
      headers: { 'PRIVATE-TOKEN': gitlab.token, 'If-None-Match': etag! },
    });
    expect(again.status).toBe(304);

    // Branches, as publish:gitlab creates and protects them.
    const branch = await api.Branches.create(created.id, 'develop', 'main');
    expect(branch).toMatchObject({ name: 'develop', protected: false });
    await api.ProtectedBranches.protect(created.id, 'main');
    const branches = await api.Branches.all(created.id);
    expect(
      branches.map(b => ({ name: b.name, protected: b.protected })),
    ).toEqual([
      { name: 'develop', protected: false },
      { name: 'main', protected: true },
    ]);

    // A file that is not there.
    const missing = await fetch(
      `${gitlab.apiBaseUrl}/projects/${created.id}/repository/files/nope.yaml/raw?ref=main`,
      { headers: { 'PRIVATE-TOKEN': gitlab.token } },
    );
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: '404 File Not Found' });
  });

  it('answers 401 without a token, and asks git for Basic credentials', async () => {
    const gitlab = sandbox.gitlab!;
    const res = await fetch(`${gitlab.apiBaseUrl}/user`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ message: '401 Unauthorized' });

    const wrong = new Gitlab({ host: gitlab.url, token: 'not-the-token' });
    await expect(wrong.Users.showCurrentUser()).rejects.toThrow(
      '401 Unauthorized',
    );

    const refs = await fetch(
      `${gitlab.url}/team-ai/ai-gateway.git/info/refs?service=git-receive-pack`,
    );
    expect(refs.status).toBe(401);
    expect(refs.headers.get('www-authenticate')).toBe('Basic realm="GitLab"');

    await expect(
      gitCli(
        work,
        'ls-remote',
        withCredentials(
          `${gitlab.url}/team-ai/ai-gateway.git`,
          'not-the-token',
        ),
      ),
    ).rejects.toThrow(/Authentication failed|401/);
  });

  it('answers 400 with GitLab’s validation body for a path that is taken, 404 for unknown projects', async () => {
    const ns = await api.Namespaces.show('team-ai');
    const res = await fetch(`${sandbox.gitlab!.apiBaseUrl}/projects`, {
      method: 'POST',
      headers: {
        'PRIVATE-TOKEN': sandbox.gitlab!.token,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        namespace_id: ns.id,
        name: 'ai-gateway',
        path: 'ai-gateway',
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: {
        'project_namespace.name': ['has already been taken'],
        name: ['has already been taken'],
        path: ['has already been taken'],
      },
    });
    await expect(
      api.Projects.create({ namespaceId: ns.id, name: 'ai-gateway' }),
    ).rejects.toThrow(/has already been taken/);

    const unknown = await fetch(
      `${sandbox.gitlab!.apiBaseUrl}/projects/team-ai%2Fnope`,
      { headers: { 'PRIVATE-TOKEN': sandbox.gitlab!.token } },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: '404 Project Not Found' });
  });

  it('pages lists with Link headers that gitbeaker follows', async () => {
    const ns = await api.Namespaces.show('platform');
    for (let i = 0; i < 5; i++) {
      await api.Projects.create({ namespaceId: ns.id, name: `svc-${i}` });
    }
    const res = await fetch(
      `${sandbox.gitlab!.apiBaseUrl}/groups/platform/projects?per_page=2`,
      { headers: { 'PRIVATE-TOKEN': sandbox.gitlab!.token } },
    );
    expect(res.headers.get('x-total')).toBe('5');
    expect(res.headers.get('link')).toContain('rel="next"');
    expect(await res.json()).toHaveLength(2);
    const all = await api.Groups.allProjects('platform', { perPage: 2 });
    expect(all.map(p => p.path).sort()).toEqual([
      'svc-0',
      'svc-1',
      'svc-2',
      'svc-3',
      'svc-4',
    ]);
  });

  it('counts reads and mutations (project creation and git-receive-pack mutate) and injects faults', async () => {
    const gitlab = sandbox.gitlab!;
    const ns = await api.Namespaces.show('team-ai');
    const created = await api.Projects.create({
      namespaceId: ns.id,
      name: 'counted',
    });
    const src = path.join(work, 'counted');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'README.md'), '# counted\n');
    await gitCli(src, 'init', '--quiet', '--initial-branch=main');
    await gitCli(src, 'add', '.');
    await gitCli(src, 'commit', '--quiet', '-m', 'initial commit');
    await gitCli(
      src,
      'push',
      '--quiet',
      withCredentials(String(created.http_url_to_repo), gitlab.token),
      'main',
    );
    const clone = path.join(work, 'counted-clone');
    await gitCli(
      work,
      'clone',
      '--quiet',
      withCredentials(String(created.http_url_to_repo), gitlab.token),
      clone,
    );

    const counters = await gitlab.control.counters();
    expect(counters.routes['GET /api/v4/namespaces/{id}']).toBe(1);
    expect(counters.routes['POST /api/v4/projects']).toBe(1);
    expect(
      counters.routes['POST /{namespace}/{project}/git-receive-pack'],
    ).toBe(1);
    expect(
      counters.routes['POST /{namespace}/{project}/git-upload-pack'],
    ).toBeGreaterThanOrEqual(1);
    expect(counters.mutations).toBe(2);
    expect(counters.reads).toBe(counters.total - 2);

    await gitlab.control.injectFault({
      method: 'GET',
      path: '^/api/v4/user$',
      status: 503,
    });
    await expect(api.Users.showCurrentUser()).rejects.toThrow(
      '503 Service Unavailable',
    );
    await expect(api.Users.showCurrentUser()).resolves.toMatchObject({
      username: 'groundcrew-bot',
    });

    // Reset returns to the demo: the created project and its repository are gone.
    await gitlab.control.reset();
    await expect(api.Projects.show(created.id)).rejects.toThrow(
      '404 Project Not Found',
    );
    const state = await gitlab.control.state();
    expect(state.projects.map(p => p.path)).toEqual(['ai-gateway']);
    expect(
      fs.existsSync(path.join(state.repositories, 'team-ai', 'counted.git')),
    ).toBe(false);
  });
});
