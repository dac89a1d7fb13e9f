import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';

/** Where Debian's git keeps `git http-backend`. */
export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** The environment of every git command: no prompts, no system or global config. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    ...extra,
  };
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Runs git in a (bare) repository; resolves stdout as a buffer. */
export function git(
  gitDir: string,
  args: string[],
  opts: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [`--git-dir=${gitDir}`, ...args],
      {
        env: gitEnv(opts.env),
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof err.code === 'number' ? err.code : null;
          reject(
            new GitError(
              `git ${args[0]} failed: ${stderr.toString('utf8').trim()}`,
              code,
              stderr.toString('utf8'),
            ),
          );
          return;
        }
        resolve(stdout);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

async function gitText(gitDir: string, args: string[]): Promise<string> {
  return (await git(gitDir, args)).toString('utf8').trim();
}

/** Creates a bare repository that accepts pushes over smart HTTP. */
export async function initBareRepo(
  gitDir: string,
  defaultBranch: string,
): Promise<void> {
  await fs.promises.mkdir(gitDir, { recursive: true });
  await git(gitDir, [
    'init',
    '--quiet',
    '--bare',
    `--initial-branch=${defaultBranch}`,
  ]);
  await git(gitDir, ['config', 'http.receivepack', 'true']);
  // What GitLab's Gitaly does too: no dangling objects kept for reflogs.
  await git(gitDir, ['config', 'core.logAllRefUpdates', 'false']);
}

export interface CommitFiles {
  branch: string;
  files: Record<string, string>;
  message: string;
  author: { name: string; email: string };
}

/** Commits files on a branch of a bare repository (plumbing only, no work tree). */
export async function commitFiles(
  gitDir: string,
  c: CommitFiles,
): Promise<string> {
  // A nested tree per directory, built bottom-up.
  interface Dir {
    files: Map<string, string>;
    dirs: Map<string, Dir>;
  }
  const root: Dir = { files: new Map(), dirs: new Map() };
  for (const [filePath, content] of Object.entries(c.files)) {
    const parts = filePath.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.dirs.get(part);
      if (!next) {
        next = { files: new Map(), dirs: new Map() };
        dir.dirs.set(part, next);
      }
      dir = next;
    }
    const sha = (
      await git(gitDir, ['hash-object', '-w', '--stdin'], { input: content })
    )
      .toString('utf8')
      .trim();
    dir.files.set(parts[parts.length - 1], sha);
  }
  const writeTree = async (dir: Dir): Promise<string> => {
    const lines: string[] = [];
    for (const [name, sha] of dir.files)
      lines.push(`100644 blob ${sha}\t${name}`);
    for (const [name, sub] of dir.dirs) {
      lines.push(`040000 tree ${await writeTree(sub)}\t${name}`);
    }
    return (await git(gitDir, ['mktree'], { input: `${lines.join('\n')}\n` }))
      .toString('utf8')
      .trim();
  };
  const tree = await writeTree(root);
  const parent = await resolveCommit(gitDir, c.branch);
  const env = {
    GIT_AUTHOR_NAME: c.author.name,
    GIT_AUTHOR_EMAIL: c.author.email,
    GIT_COMMITTER_NAME: c.author.name,
    GIT_COMMITTER_EMAIL: c.author.email,
  };
  const commit = (
    await git(
      gitDir,
      ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', c.message],
      { env },
    )
  )
    .toString('utf8')
    .trim();
  await git(gitDir, ['update-ref', `refs/heads/${c.branch}`, commit]);
  return commit;
}

/** The commit a ref (branch, tag or sha) names, or undefined. */
export async function resolveCommit(
  gitDir: string,
  ref: string,
): Promise<string | undefined> {
  if (!ref || ref.startsWith('-')) return undefined;
  try {
    return await gitText(gitDir, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]);
  } catch {
    return undefined;
  }
}

export interface BranchInfo {
  name: string;
  commit: string;
}

export async function listBranches(gitDir: string): Promise<BranchInfo[]> {
  const out = await gitText(gitDir, [
    'for-each-ref',
    '--format=%(refname:strip=2) %(objectname)',
    'refs/heads/',
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const i = line.lastIndexOf(' ');
      return { name: line.slice(0, i), commit: line.slice(i + 1) };
    });
}

/** The branch HEAD points at (it may not exist yet in an empty repository). */
export async function headBranch(gitDir: string): Promise<string | undefined> {
  try {
    return (await gitText(gitDir, ['symbolic-ref', '--quiet', 'HEAD'])).replace(
      /^refs\/heads\//,
      '',
    );
  } catch {
    return undefined;
  }
}

export async function setHeadBranch(
  gitDir: string,
  branch: string,
): Promise<void> {
  await git(gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
}

export interface CommitInfo {
  id: string;
  parentIds: string[];
  title: string;
  message: string;
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committerName: string;
  committerEmail: string;
  committedDate: string;
}

const COMMIT_FORMAT = [
  '%H',
  '%P',
  '%an',
  '%ae',
  '%aI',
  '%cn',
  '%ce',
  '%cI',
  '%B',
].join('%x1f');

function parseCommit(record: string): CommitInfo {
  const [id, parents, an, ae, ad, cn, ce, cd, body = ''] = record.split('\x1f');
  const message = body.replace(/\n+$/, '\n');
  return {
    id,
    parentIds: parents ? parents.split(' ') : [],
    title: message.split('\n')[0],
    message,
    authorName: an,
    authorEmail: ae,
    authoredDate: ad,
    committerName: cn,
    committerEmail: ce,
    committedDate: cd,
  };
}

export async function commitInfo(
  gitDir: string,
  sha: string,
): Promise<CommitInfo> {
  const out = await git(gitDir, [
    'show',
    '--no-patch',
    `--format=${COMMIT_FORMAT}`,
    sha,
  ]);
  return parseCommit(out.toString('utf8'));
}

/** Commits reachable from `ref`, newest first, optionally touching `path`. */
export async function log(
  gitDir: string,
  ref: string,
  opts: { path?: string; skip?: number; max?: number } = {},
): Promise<CommitInfo[]> {
  const out = await git(gitDir, [
    'log',
    `--format=${COMMIT_FORMAT}%x1e`,
    ...(opts.skip ? [`--skip=${opts.skip}`] : []),
    ...(opts.max ? [`--max-count=${opts.max}`] : []),
    ref,
    '--',
    ...(opts.path ? [opts.path] : []),
  ]);
  return out
    .toString('utf8')
    .split('\x1e')
    .map(r => r.replace(/^\n/, ''))
    .filter(r => r.trim())
    .map(parseCommit);
}

export interface BlobAt {
  blobId: string;
  size: number;
}

/** The blob at `<commit>:<path>`, or undefined when there is no such file. */
export async function blobAt(
  gitDir: string,
  commit: string,
  filePath: string,
): Promise<BlobAt | undefined> {
  try {
    const out = await gitText(gitDir, [
      'ls-tree',
      '-l',
      commit,
      '--',
      filePath,
    ]);
    // `<mode> blob <sha> <size>\t<path>`
    const m = /^\d+ blob ([0-9a-f]+)\s+(\d+)\t/.exec(out);
    return m ? { blobId: m[1], size: Number(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}

export function readBlob(gitDir: string, blobId: string): Promise<Buffer> {
  return git(gitDir, ['cat-file', 'blob', blobId]);
}

/** A gzipped tar of the tree at `commit` (under `prefix/`), as `git archive` writes it. */
export function archive(
  gitDir: string,
  commit: string,
  prefix: string,
  subPath?: string,
): NodeJS.ReadableStream {
  const child = spawn(
    'git',
    [
      `--git-dir=${gitDir}`,
      'archive',
      '--format=tar.gz',
      `--prefix=${prefix}/`,
      commit,
      ...(subPath ? ['--', subPath] : []),
    ],
    { env: gitEnv(), stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return child.stdout;
}
