import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STATUS_CODES } from 'node:http';
import { HttpError, sendJson } from '../framework/http';
import type { FaultSpec } from '../framework/faults';
import { ImitationServer } from '../framework/server';
import type { TlsMaterial } from '../framework/tls';
import { installGitlabRoutes } from './api';
import { gitlabBaseFixture, gitlabDemoFixture } from './demo';
import { GitlabStore } from './store';
import type { GitlabFixture } from './types';

export interface GitlabServerOptions {
  /** For the control listener (HTTPS); the API and git listener is plain HTTP. */
  tls: TlsMaterial;
  /** The token of user `groundcrew-bot`. */
  token: string;
  /** Load the demo groups and the `team-ai/ai-gateway` project (default true). */
  demo?: boolean;
  /** More records on top of the demo (or alone with `demo: false`). */
  fixture?: GitlabFixture;
  /**
   * Where the repositories (`repositories/<group>/<project>.git`) and the
   * records (`gitlab.json`) live, kept across restarts; a temporary directory
   * removed on stop otherwise.
   */
  dir?: string;
  port?: number;
  controlPort?: number;
}

function errorBody(status: number, message: string, fault?: FaultSpec) {
  if (fault) {
    return { message: fault.message ?? `${status} ${STATUS_CODES[status]}` };
  }
  if (status === 404) return { error: '404 Not Found' };
  if (status >= 500) return { message: '500 Internal Server Error' };
  return { message };
}

/**
 * The GitLab imitation: the REST API v4 subset that Backstage's
 * `publish:gitlab` (through @gitbeaker/rest) and its GitLab URL reader call,
 * and git smart HTTP served by `git http-backend` from real bare repositories,
 * on one plain-HTTP listener (`http://127.0.0.1:<port>`, API under `/api/v4`).
 */
export class GitlabServer {
  readonly http: ImitationServer;
  readonly store: GitlabStore;
  private readonly tempDir: string | undefined;

  constructor(private readonly options: GitlabServerOptions) {
    if (options.dir) {
      this.store = new GitlabStore(options.dir);
    } else {
      this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-gitlab-'));
      this.store = new GitlabStore(this.tempDir);
    }
    this.http = new ImitationServer({
      name: 'gitlab',
      tls: options.tls,
      protocol: 'http',
      port: options.port,
      controlPort: options.controlPort,
      errorBody,
      onReset: () => this.store.reset(),
      onFixture: body => this.onFixture(body),
    });
    installGitlabRoutes({ store: this.store, http: this.http });
    this.http.addControlRoute('GET', '/_sandbox/gitlab/state', ctx =>
      sendJson(ctx.res, 200, {
        ...this.store.state,
        users: this.store.state.users.map(({ token: _token, ...u }) => u),
        repositories: this.store.repositories,
      }),
    );
  }

  /** `http://127.0.0.1:<port>`: the integration's `baseUrl` (and `host` without the scheme). */
  get url(): string {
    return this.http.url;
  }
  /** `<url>/api/v4`: the integration's `apiBaseUrl`. */
  get apiBaseUrl(): string {
    return `${this.http.url}/api/v4`;
  }
  get controlUrl(): string {
    return this.http.controlUrl;
  }
  get token(): string {
    return this.options.token;
  }

  async start(): Promise<void> {
    const base =
      this.options.demo === false
        ? gitlabBaseFixture(this.options.token)
        : gitlabDemoFixture(this.options.token);
    const extra = this.options.fixture ?? {};
    await this.store.open({
      users: [...(base.users ?? []), ...(extra.users ?? [])],
      groups: [...(base.groups ?? []), ...(extra.groups ?? [])],
      projects: [...(base.projects ?? []), ...(extra.projects ?? [])],
    });
    await this.http.start();
  }

  async stop(): Promise<void> {
    await this.http.stop();
    if (this.tempDir) {
      await fs.promises.rm(this.tempDir, { recursive: true, force: true });
    }
  }

  private async onFixture(body: unknown) {
    const b = (body ?? {}) as { fixture?: GitlabFixture; replace?: boolean };
    if (!b.fixture || typeof b.fixture !== 'object') {
      throw new HttpError(400, {
        message: 'body must be { fixture, replace? }',
      });
    }
    try {
      await this.store.load(b.fixture, b.replace === true);
    } catch (e) {
      throw new HttpError(400, { message: (e as Error).message });
    }
    return { ok: true };
  }
}
