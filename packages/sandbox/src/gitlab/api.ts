import { createHash } from 'node:crypto';
import { HttpError, sendJson } from '../framework/http';
import type { RequestContext } from '../framework/router';
import type { ImitationServer } from '../framework/server';
import {
  archive,
  blobAt,
  commitInfo,
  git,
  listBranches,
  log,
  readBlob,
  resolveCommit,
} from './git';
import { runHttpBackend } from './httpBackend';
import { GitlabRender } from './render';
import type { GitlabStore } from './store';
import type {
  GitlabProjectRecord,
  GitlabUserRecord,
  GitlabVariableRecord,
  GitlabVisibility,
} from './types';

const API = '/api/v4';
const VISIBILITIES: GitlabVisibility[] = ['private', 'internal', 'public'];
const PATH_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function notFound(what: string): HttpError {
  return new HttpError(404, { message: `404 ${what} Not Found` });
}

function badRequest(message: unknown): HttpError {
  return new HttpError(400, { message });
}

/** GitLab's Grape validation errors use `error`, not `message`. */
function paramError(error: string): HttpError {
  return new HttpError(400, { error });
}

/** The token of an API request: `PRIVATE-TOKEN`, `Authorization: Bearer`, or `private_token`. */
function apiToken(ctx: RequestContext): string | undefined {
  const privateToken = ctx.req.headers['private-token'];
  if (typeof privateToken === 'string' && privateToken) return privateToken;
  const auth = ctx.req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1].trim();
  return ctx.query.get('private_token') ?? undefined;
}

async function readParams(
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = {};
  for (const [k, v] of ctx.query) params[k] = v;
  const body = await ctx.body();
  if (!body.length) return params;
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
      params[k] = v;
    }
    return params;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw paramError('The provided content-type is not supported.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw paramError('body must be a JSON object');
  }
  return { ...params, ...(parsed as Record<string, unknown>) };
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

function bool(v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null || v === '') return fallback;
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** `name` → a path, as GitLab derives one ("My Service" → "my-service"). */
function pathFromName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Settings of `POST /projects` the imitation does not act on but echoes back. */
const ECHOED_SETTINGS = [
  'auto_devops_enabled',
  'ci_config_path',
  'merge_method',
  'squash_option',
  'only_allow_merge_if_all_discussions_are_resolved',
  'only_allow_merge_if_pipeline_succeeds',
  'allow_merge_on_skipped_pipeline',
  'issues_enabled',
  'merge_requests_enabled',
  'wiki_enabled',
  'jobs_enabled',
  'lfs_enabled',
];

export interface GitlabApi {
  store: GitlabStore;
  http: ImitationServer;
}

/** Installs the REST API v4 subset and the git smart-HTTP routes. */
export function installGitlabRoutes({ store, http }: GitlabApi): void {
  const render = new GitlabRender(store, () => http.url);

  const authed = (
    handler: (
      ctx: RequestContext,
      user: GitlabUserRecord,
    ) => Promise<void> | void,
  ) => {
    return async (ctx: RequestContext) => {
      const token = apiToken(ctx);
      const user = token ? store.userByToken(token) : undefined;
      if (!user) throw new HttpError(401, { message: '401 Unauthorized' });
      await handler(ctx, user);
    };
  };

  /** Sends one page of a list with GitLab's offset-pagination headers and `Link`. */
  const paginate = (ctx: RequestContext, items: unknown[]) => {
    const perPage = Math.min(
      100,
      Math.max(1, Number(ctx.query.get('per_page')) || 20),
    );
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const page = Math.max(1, Number(ctx.query.get('page')) || 1);
    const pageUrl = (n: number) => {
      const q = new URLSearchParams(ctx.query);
      q.set('page', String(n));
      q.set('per_page', String(perPage));
      return `${http.url}${ctx.path}?${q}`;
    };
    const links = [
      ...(page > 1 ? [`<${pageUrl(page - 1)}>; rel="prev"`] : []),
      ...(page < totalPages ? [`<${pageUrl(page + 1)}>; rel="next"`] : []),
      `<${pageUrl(1)}>; rel="first"`,
      `<${pageUrl(totalPages)}>; rel="last"`,
    ];
    sendJson(ctx.res, 200, items.slice((page - 1) * perPage, page * perPage), {
      Link: links.join(', '),
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Total': String(items.length),
      'X-Total-Pages': String(totalPages),
      'X-Next-Page': page < totalPages ? String(page + 1) : '',
      'X-Prev-Page': page > 1 ? String(page - 1) : '',
    });
  };

  const matches = (ctx: RequestContext, ...fields: string[]) => {
    const search = ctx.query.get('search')?.toLowerCase();
    return !search || fields.some(f => f.toLowerCase().includes(search));
  };

  const projectOr404 = (ctx: RequestContext): GitlabProjectRecord => {
    const p = store.project(ctx.params.id);
    if (!p) throw notFound('Project');
    return p;
  };

  const projectList = async (
    ctx: RequestContext,
    list: GitlabProjectRecord[],
  ) => {
    const found = list
      .filter(p => matches(ctx, p.name, p.path))
      .sort((a, b) => b.id - a.id);
    paginate(ctx, await Promise.all(found.map(p => render.project(p))));
  };

  /** The commit a `ref` parameter names, or the default branch's. */
  const commitOf = async (p: GitlabProjectRecord, ref: string | undefined) => {
    const name = ref ?? (await store.defaultBranch(p));
    const sha = name ? await resolveCommit(store.gitDir(p), name) : undefined;
    return sha ? { ref: name as string, sha } : undefined;
  };

  const route = (
    method: string,
    pattern: string,
    handler: (
      ctx: RequestContext,
      user: GitlabUserRecord,
    ) => Promise<void> | void,
  ) => http.addRoute(method, `${API}${pattern}`, authed(handler));

  // --- users and namespaces ---------------------------------------------------

  route('GET', '/user', (ctx, user) =>
    sendJson(ctx.res, 200, render.user(user, true)),
  );
  route('GET', '/users', (ctx, me) => {
    const username = ctx.query.get('username');
    const users = store.state.users.filter(
      u =>
        (!username || u.username.toLowerCase() === username.toLowerCase()) &&
        matches(ctx, u.username, u.name),
    );
    paginate(
      ctx,
      users.map(u => render.user(u, u.id === me.id)),
    );
  });
  route('GET', '/users/{id}', (ctx, me) => {
    const u = /^\d+$/.test(ctx.params.id)
      ? store.user(ctx.params.id)
      : undefined;
    if (!u) throw notFound('User');
    sendJson(ctx.res, 200, render.user(u, u.id === me.id));
  });
  route('GET', '/users/{id}/projects', async ctx => {
    const u = store.user(ctx.params.id);
    if (!u) throw notFound('User');
    await projectList(
      ctx,
      store.state.projects.filter(p => p.namespaceId === u.namespaceId),
    );
  });
  route('GET', '/namespaces', ctx =>
    paginate(
      ctx,
      store
        .namespaces()
        .filter(n => matches(ctx, n.path, n.name))
        .map(n => render.namespace(n)),
    ),
  );
  route('GET', '/namespaces/{id}', ctx => {
    const ns = store.namespace(ctx.params.id);
    if (!ns) throw notFound('Namespace');
    sendJson(ctx.res, 200, render.namespace(ns));
  });

  // --- groups -----------------------------------------------------------------

  route('GET', '/groups', ctx =>
    paginate(
      ctx,
      store.state.groups
        .filter(g => matches(ctx, g.path, g.name))
        .map(g => render.group(g)),
    ),
  );
  route('GET', '/groups/{id}', ctx => {
    const g = store.group(ctx.params.id);
    if (!g) throw notFound('Group');
    sendJson(ctx.res, 200, render.group(g));
  });
  route('GET', '/groups/{id}/projects', async ctx => {
    const g = store.group(ctx.params.id);
    if (!g) throw notFound('Group');
    await projectList(
      ctx,
      store.state.projects.filter(p => p.namespaceId === g.id),
    );
  });

  // --- projects ---------------------------------------------------------------

  route('GET', '/projects', async ctx => {
    await projectList(ctx, store.state.projects);
  });
  route('GET', '/projects/{id}', async ctx => {
    sendJson(ctx.res, 200, await render.project(projectOr404(ctx)));
  });
  route('POST', '/projects', async (ctx, user) => {
    const params = await readParams(ctx);
    const name = str(params.name);
    const givenPath = str(params.path);
    if (!name && !givenPath) {
      throw paramError(
        'name, path are missing, at least one parameter must be provided',
      );
    }
    const visibility = (str(params.visibility) ??
      'private') as GitlabVisibility;
    if (!VISIBILITIES.includes(visibility)) {
      throw paramError('visibility does not have a valid value');
    }
    const nsParam = str(params.namespace_id);
    const ns = nsParam
      ? store.namespace(nsParam)
      : store.namespace(user.namespaceId);
    if (!ns) throw notFound('Namespace');
    const projectPath = givenPath ?? pathFromName(name as string);
    const projectName = name ?? projectPath;
    if (!PATH_RE.test(projectPath) || /\.(git|atom)$/.test(projectPath)) {
      throw badRequest({
        path: [
          "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'",
        ],
      });
    }
    const siblings = store.state.projects.filter(p => p.namespaceId === ns.id);
    const errors: Record<string, string[]> = {};
    if (
      siblings.some(p => p.name.toLowerCase() === projectName.toLowerCase())
    ) {
      errors['project_namespace.name'] = ['has already been taken'];
      errors.name = ['has already been taken'];
    }
    if (
      siblings.some(p => p.path.toLowerCase() === projectPath.toLowerCase())
    ) {
      errors.path = ['has already been taken'];
    }
    if (Object.keys(errors).length) throw badRequest(errors);

    const topicsParam = params.topics ?? params.tag_list;
    const topics = Array.isArray(topicsParam)
      ? topicsParam.map(String)
      : str(topicsParam)
          ?.split(',')
          .map(t => t.trim())
          .filter(Boolean) ?? [];
    const settings: Record<string, unknown> = {};
    for (const key of ECHOED_SETTINGS) {
      if (params[key] !== undefined) settings[key] = params[key];
    }
    const defaultBranch = str(params.default_branch) ?? 'main';
    const project = await store.createProject(
      {
        name: projectName,
        path: projectPath,
        namespaceId: ns.id,
        description: str(params.description) ?? null,
        visibility,
        topics,
        creatorId: user.id,
        settings,
      },
      defaultBranch,
      bool(params.initialize_with_readme, false)
        ? `# ${projectName}\n`
        : undefined,
    );
    sendJson(ctx.res, 201, await render.project(project));
  });
  route('DELETE', '/projects/{id}', async ctx => {
    await store.deleteProject(projectOr404(ctx));
    sendJson(ctx.res, 202, { message: '202 Accepted' });
  });

  // --- repository: files, commits, archive, branches ------------------------------

  route('GET', '/projects/{id}/repository/files/{file}/raw', async ctx => {
    const p = projectOr404(ctx);
    const at = await commitOf(p, ctx.query.get('ref') ?? undefined);
    const blob = at && (await blobAt(store.gitDir(p), at.sha, ctx.params.file));
    if (!at || !blob) throw notFound('File');
    const etag = `"${blob.blobId}"`;
    const headers = {
      ETag: etag,
      'Cache-Control': 'max-age=0, private, must-revalidate',
      'X-Gitlab-Blob-Id': blob.blobId,
      'X-Gitlab-Commit-Id': at.sha,
      'X-Gitlab-File-Name': ctx.params.file.split('/').pop() ?? '',
      'X-Gitlab-File-Path': ctx.params.file,
      'X-Gitlab-Ref': at.ref,
      'X-Gitlab-Size': String(blob.size),
    };
    const ifNoneMatch = ctx.req.headers['if-none-match'];
    if (
      ifNoneMatch &&
      ifNoneMatch
        .split(',')
        .map(t => t.trim().replace(/^W\//, ''))
        .some(t => t === etag || t === '*')
    ) {
      ctx.res.writeHead(304, headers);
      ctx.res.end();
      return;
    }
    const content = await readBlob(store.gitDir(p), blob.blobId);
    ctx.res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': content.length,
    });
    ctx.res.end(content);
  });
  route('GET', '/projects/{id}/repository/files/{file}', async ctx => {
    const p = projectOr404(ctx);
    const ref = ctx.query.get('ref');
    if (!ref) throw paramError('ref is missing');
    const at = await commitOf(p, ref);
    const blob = at && (await blobAt(store.gitDir(p), at.sha, ctx.params.file));
    if (!at || !blob) throw notFound('File');
    const content = await readBlob(store.gitDir(p), blob.blobId);
    const last = (
      await log(store.gitDir(p), at.sha, { path: ctx.params.file, max: 1 })
    )[0];
    sendJson(ctx.res, 200, {
      file_name: ctx.params.file.split('/').pop(),
      file_path: ctx.params.file,
      size: blob.size,
      encoding: 'base64',
      content: content.toString('base64'),
      content_sha256: createHash('sha256').update(content).digest('hex'),
      ref,
      blob_id: blob.blobId,
      commit_id: at.sha,
      last_commit_id: last?.id ?? at.sha,
      execute_filemode: false,
    });
  });
  route('GET', '/projects/{id}/repository/commits', async ctx => {
    const p = projectOr404(ctx);
    const at = await commitOf(p, ctx.query.get('ref_name') ?? undefined);
    if (!at) {
      if (ctx.query.get('ref_name')) throw notFound('Commit');
      paginate(ctx, []);
      return;
    }
    const commits = await log(store.gitDir(p), at.sha, {
      path: ctx.query.get('path') ?? undefined,
    });
    paginate(
      ctx,
      commits.map(c => render.commit(p, c)),
    );
  });
  for (const suffix of ['archive', 'archive.tar.gz']) {
    route('GET', `/projects/{id}/repository/${suffix}`, async ctx => {
      const p = projectOr404(ctx);
      const at = await commitOf(p, ctx.query.get('sha') ?? undefined);
      if (!at) throw notFound('Ref');
      const subPath = ctx.query.get('path') ?? undefined;
      const prefix = `${p.path}-${at.ref.replace(/\//g, '-')}-${at.sha}${
        subPath ? `-${subPath.replace(/\//g, '-')}` : ''
      }`;
      ctx.res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${prefix}.tar.gz"`,
        'Content-Transfer-Encoding': 'binary',
      });
      archive(store.gitDir(p), at.sha, prefix, subPath).pipe(ctx.res);
    });
  }

  const branchJson = async (
    p: GitlabProjectRecord,
    name: string,
    sha: string,
  ) =>
    render.branch(
      p,
      name,
      await commitInfo(store.gitDir(p), sha),
      await store.defaultBranch(p),
    );

  route('GET', '/projects/{id}/repository/branches', async ctx => {
    const p = projectOr404(ctx);
    const branches = (await listBranches(store.gitDir(p))).filter(b =>
      matches(ctx, b.name),
    );
    paginate(
      ctx,
      await Promise.all(branches.map(b => branchJson(p, b.name, b.commit))),
    );
  });
  route('GET', '/projects/{id}/repository/branches/{branch}', async ctx => {
    const p = projectOr404(ctx);
    const sha = await resolveCommit(
      store.gitDir(p),
      `refs/heads/${ctx.params.branch}`,
    );
    if (!sha) throw notFound('Branch');
    sendJson(ctx.res, 200, await branchJson(p, ctx.params.branch, sha));
  });
  route('POST', '/projects/{id}/repository/branches', async ctx => {
    const p = projectOr404(ctx);
    const params = await readParams(ctx);
    const branch = str(params.branch);
    const ref = str(params.ref);
    if (!branch) throw paramError('branch is missing');
    if (!ref) throw paramError('ref is missing');
    const gitDir = store.gitDir(p);
    try {
      await git(gitDir, ['check-ref-format', '--branch', branch]);
    } catch {
      throw badRequest('Branch name is invalid');
    }
    if (await resolveCommit(gitDir, `refs/heads/${branch}`)) {
      throw badRequest('Branch already exists');
    }
    const sha = await resolveCommit(gitDir, ref);
    if (!sha) throw badRequest(`Invalid reference name: ${ref}`);
    await git(gitDir, ['update-ref', `refs/heads/${branch}`, sha]);
    await store.afterPush(p);
    sendJson(ctx.res, 201, await branchJson(p, branch, sha));
  });

  // --- protected branches and CI/CD variables (records only) ----------------------

  route('GET', '/projects/{id}/protected_branches', ctx => {
    const p = projectOr404(ctx);
    paginate(
      ctx,
      p.protectedBranches.map(b => render.protectedBranch(b)),
    );
  });
  route('POST', '/projects/{id}/protected_branches', async ctx => {
    const p = projectOr404(ctx);
    const params = await readParams(ctx);
    const name = str(params.name);
    if (!name) throw paramError('name is missing');
    if (p.protectedBranches.some(b => b.name === name)) {
      throw new HttpError(409, {
        message: `Protected branch '${name}' already exists`,
      });
    }
    const record = {
      id: store.nextId(),
      name,
      allow_force_push: bool(params.allow_force_push, false),
      code_owner_approval_required: bool(
        params.code_owner_approval_required,
        false,
      ),
    };
    p.protectedBranches.push(record);
    store.save();
    sendJson(ctx.res, 201, render.protectedBranch(record));
  });
  route('DELETE', '/projects/{id}/protected_branches/{name}', ctx => {
    const p = projectOr404(ctx);
    const before = p.protectedBranches.length;
    p.protectedBranches = p.protectedBranches.filter(
      b => b.name !== ctx.params.name,
    );
    if (p.protectedBranches.length === before)
      throw notFound('Protected Branch');
    store.save();
    ctx.res.writeHead(204);
    ctx.res.end();
  });
  route('GET', '/projects/{id}/variables', ctx => {
    const p = projectOr404(ctx);
    paginate(
      ctx,
      p.variables.map(v => render.variable(v)),
    );
  });
  route('POST', '/projects/{id}/variables', async ctx => {
    const p = projectOr404(ctx);
    const params = await readParams(ctx);
    const key = str(params.key);
    const value = str(params.value);
    if (!key) throw paramError('key is missing');
    if (value === undefined) throw paramError('value is missing');
    const scope = str(params.environment_scope) ?? '*';
    if (p.variables.some(v => v.key === key && v.environment_scope === scope)) {
      throw badRequest({ key: [`(${key}) has already been taken`] });
    }
    const hidden = bool(params.masked_and_hidden, false);
    const type = str(params.variable_type) ?? 'env_var';
    if (type !== 'env_var' && type !== 'file') {
      throw paramError('variable_type does not have a valid value');
    }
    const record: GitlabVariableRecord = {
      key,
      value,
      variable_type: type,
      protected: bool(params.protected, false),
      masked: hidden || bool(params.masked, false),
      hidden,
      raw: bool(params.raw, false),
      environment_scope: scope,
      description: str(params.description) ?? null,
    };
    p.variables.push(record);
    store.save();
    sendJson(ctx.res, 201, render.variable(record));
  });

  // --- git smart HTTP ----------------------------------------------------------

  const gitRoute = (
    method: string,
    suffix: string,
    options: { mutation?: boolean } = {},
  ) =>
    http.addRoute(
      method,
      `/{namespace}/{project}/${suffix}`,
      async ctx => {
        const user = basicAuthUser(ctx, store);
        if (!user) {
          ctx.res.writeHead(401, {
            'WWW-Authenticate': 'Basic realm="GitLab"',
            'Content-Type': 'text/plain; charset=utf-8',
          });
          ctx.res.end(
            'HTTP Basic: Access denied. If a password was provided for Git authentication, it was incorrect or you need to use a personal access token.\n',
          );
          return;
        }
        const p = store.projectByPath(
          `${ctx.params.namespace}/${ctx.params.project}`,
        );
        if (!p) {
          ctx.res.writeHead(404, {
            'Content-Type': 'text/plain; charset=utf-8',
          });
          ctx.res.end(
            "The project you were looking for could not be found or you don't have permission to view it.\n",
          );
          return;
        }
        const fullPath = store.fullPath(p);
        const url = new URL(ctx.req.url ?? '/', 'http://sandbox.invalid');
        const status = await runHttpBackend({
          req: ctx.req,
          res: ctx.res,
          method: ctx.method,
          projectRoot: store.repositories,
          pathInfo: `/${fullPath}.git/${suffix}`,
          queryString: url.search.replace(/^\?/, ''),
          remoteUser: user.username,
        });
        if (suffix === 'git-receive-pack' && status === 200) {
          await store.afterPush(p);
        }
      },
      options,
    );
  gitRoute('GET', 'info/refs');
  gitRoute('POST', 'git-upload-pack', { mutation: false });
  gitRoute('POST', 'git-receive-pack', { mutation: true });
}

/** Basic credentials whose password is a user's token (GitLab takes `oauth2:<token>` or `<any>:<token>`). */
function basicAuthUser(
  ctx: RequestContext,
  store: GitlabStore,
): GitlabUserRecord | undefined {
  const m = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return store.userByToken(decoded.slice(i + 1));
}
