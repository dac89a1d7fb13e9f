import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { HttpError, parseJson, sendJson } from '../framework/http';
import type { FaultSpec } from '../framework/faults';
import type { RequestContext } from '../framework/router';
import { ImitationServer } from '../framework/server';
import type { TlsMaterial } from '../framework/tls';
import { DEMO_OIDC_USERS, demoOidcClient } from './demo';
import { renderPicker, renderProblem } from './render';
import {
  base64url,
  OidcClient,
  OidcStore,
  OidcTamper,
  OidcTimings,
  OidcUser,
  userClaims,
} from './store';

export interface OidcServerOptions {
  /** For the control listener (HTTPS); the provider itself is plain HTTP (see docs/content/sandbox.md). */
  tls: TlsMaterial;
  port?: number;
  controlPort?: number;
  /** Registered clients (default: the demo client `groundcrew-portal`). */
  clients?: OidcClient[];
  /** People on the picker page (default: demo, casey, pat). */
  users?: OidcUser[];
  timings?: Partial<OidcTimings>;
}

const SESSION_COOKIE = 'sandbox_oidc_session';
const SCOPES = ['openid', 'email', 'profile', 'groups', 'offline_access'];

/** An OAuth 2.0 error body (RFC 6749 §5.2). */
function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): HttpError {
  return new HttpError(
    status,
    { error, error_description: description },
    { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
  );
}

function errorBody(status: number, message: string, fault?: FaultSpec) {
  let error = 'invalid_request';
  if (status === 503) error = 'temporarily_unavailable';
  else if (status >= 500) error = 'server_error';
  return { error: fault?.reason ?? error, error_description: message };
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
  });
  res.end(html);
}

function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(302, {
    Location: location,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end();
}

function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) &&
      !u.hash
    );
  } catch {
    return false;
  }
}

/** Parameters of a GET query or a form-encoded POST body. */
async function formParams(ctx: RequestContext): Promise<URLSearchParams> {
  if (ctx.method === 'GET') return ctx.query;
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type !== 'application/x-www-form-urlencoded') {
    throw oauthError(
      400,
      'invalid_request',
      'the body must be application/x-www-form-urlencoded',
    );
  }
  return new URLSearchParams((await ctx.body()).toString('utf8'));
}

/** `application/x-www-form-urlencoded` decoding of one client credential (RFC 6749 §2.3.1). */
function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

function cookies(ctx: RequestContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (ctx.req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * An OpenID Connect provider on the sandbox framework, in the place Dex takes
 * in production: discovery, JWKS, the authorization-code flow with PKCE S256
 * behind a plain "pick a demo user" page, the token endpoint (client_secret_basic
 * or client_secret_post; authorization_code and refresh_token grants), RS256 ID
 * tokens, userinfo and revocation. Paths are Dex's (`/auth`, `/token`,
 * `/keys`, `/userinfo`); the issuer is the server's URL.
 */
export class OidcServer {
  readonly http: ImitationServer;
  readonly store: OidcStore;

  constructor(options: OidcServerOptions) {
    this.store = new OidcStore(
      options.clients ?? [demoOidcClient()],
      options.users ?? DEMO_OIDC_USERS,
      options.timings,
    );
    this.http = new ImitationServer({
      name: 'oidc',
      tls: options.tls,
      protocol: 'http',
      port: options.port,
      controlPort: options.controlPort,
      errorBody,
      onReset: () => this.store.reset(),
    });
    this.installRoutes();
    this.installControlRoutes();
  }

  /** `http://127.0.0.1:<port>`: the `iss` of every token, exactly. */
  get issuer(): string {
    return this.http.url;
  }
  /** Where the discovery document is: Backstage's `metadataUrl`. */
  get metadataUrl(): string {
    return `${this.issuer}/.well-known/openid-configuration`;
  }
  get controlUrl(): string {
    return this.http.controlUrl;
  }

  async start(): Promise<void> {
    await this.http.start();
  }

  async stop(): Promise<void> {
    await this.http.stop();
  }

  discovery() {
    const iss = this.issuer;
    return {
      issuer: iss,
      authorization_endpoint: `${iss}/auth`,
      token_endpoint: `${iss}/token`,
      jwks_uri: `${iss}/keys`,
      userinfo_endpoint: `${iss}/userinfo`,
      revocation_endpoint: `${iss}/token/revoke`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: SCOPES,
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
      ],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'iat',
        'exp',
        'auth_time',
        'nonce',
        'at_hash',
        'email',
        'email_verified',
        'name',
        'preferred_username',
        'groups',
      ],
      prompt_values_supported: ['none', 'login', 'select_account', 'consent'],
    };
  }

  private installRoutes() {
    const http = this.http;
    http.addRoute('GET', '/.well-known/openid-configuration', ctx =>
      sendJson(ctx.res, 200, this.discovery()),
    );
    http.addRoute('GET', '/keys', ctx =>
      sendJson(ctx.res, 200, this.store.jwks()),
    );
    http.addRoute('GET', '/auth', ctx => this.authorize(ctx));
    http.addRoute('POST', '/auth', ctx => this.authorize(ctx), {
      mutation: false,
    });
    http.addRoute('POST', '/auth/approval', ctx => this.approve(ctx), {
      mutation: true,
    });
    http.addRoute('POST', '/token', ctx => this.token(ctx));
    http.addRoute('POST', '/token/revoke', ctx => this.revoke(ctx));
    http.addRoute('GET', '/userinfo', ctx => this.userinfo(ctx));
    http.addRoute('POST', '/userinfo', ctx => this.userinfo(ctx), {
      mutation: false,
    });
  }

  /**
   * The authorization endpoint (OIDC Core §3.1.2). Errors in `client_id` or
   * `redirect_uri` are shown on a page (never redirected: §3.1.2.6); any other
   * error is redirected back with `error` and `state`.
   */
  private async authorize(ctx: RequestContext) {
    const q = await formParams(ctx);
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const client = this.store.client(clientId);
    if (!client) {
      sendHtml(
        ctx.res,
        400,
        renderProblem(
          'Unknown client',
          `No client "${clientId}" is registered.`,
        ),
      );
      return;
    }
    const allowed = client.redirectUris
      ? client.redirectUris.includes(redirectUri)
      : isLoopbackRedirect(redirectUri);
    if (!allowed) {
      sendHtml(
        ctx.res,
        400,
        renderProblem(
          'Unregistered redirect URI',
          `"${redirectUri}" is not a redirect URI of client "${clientId}".`,
        ),
      );
      return;
    }
    const state = q.get('state') ?? undefined;
    const back = (params: Record<string, string>) => {
      const u = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      if (state !== undefined) u.searchParams.set('state', state);
      redirect(ctx.res, u.toString());
    };
    const fail = (error: string, description: string) =>
      back({ error, error_description: description });

    if (q.get('response_type') !== 'code') {
      fail(
        'unsupported_response_type',
        'only the authorization-code flow (response_type=code) is supported',
      );
      return;
    }
    const scope = (q.get('scope') ?? '').split(' ').filter(Boolean);
    if (!scope.includes('openid')) {
      fail('invalid_scope', 'the scope must include openid');
      return;
    }
    const unknown = scope.filter(s => !SCOPES.includes(s));
    if (unknown.length) {
      fail('invalid_scope', `unsupported scope: ${unknown.join(' ')}`);
      return;
    }
    const codeChallenge = q.get('code_challenge');
    if (!codeChallenge) {
      fail('invalid_request', 'code_challenge is required (PKCE, S256)');
      return;
    }
    if (q.get('code_challenge_method') !== 'S256') {
      fail('invalid_request', 'code_challenge_method must be S256');
      return;
    }
    if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
      fail('invalid_request', 'code_challenge is not a base64url SHA-256');
      return;
    }
    const nonce = q.get('nonce') ?? undefined;
    const prompt = (q.get('prompt') ?? '').split(' ').filter(Boolean);
    const request = {
      clientId,
      redirectUri,
      scope,
      state,
      nonce,
      codeChallenge,
    };

    if (prompt.includes('none')) {
      // No page may be shown: sign in silently as the person picked before, or say so.
      const session = this.store.user(
        decodeURIComponent(cookies(ctx)[SESSION_COOKIE] ?? ''),
      );
      if (!session) {
        fail('login_required', 'nobody is signed in to the sandbox provider');
        return;
      }
      back({ code: this.store.issueCode({ ...request, sub: session.sub }) });
      return;
    }
    const id = this.store.addPending(request);
    sendHtml(
      ctx.res,
      200,
      renderPicker({
        requestId: id,
        clientName: client.name ?? client.clientId,
        users: this.store.users,
        action: '/auth/approval',
      }),
    );
  }

  /** The picker page's answer: a person, or cancel (`access_denied`). */
  private async approve(ctx: RequestContext) {
    const form = await formParams(ctx);
    const pending = this.store.takePending(form.get('req') ?? '');
    if (!pending) {
      sendHtml(
        ctx.res,
        400,
        renderProblem(
          'Sign-in expired',
          'This sign-in request is unknown, used or expired. Start again from the portal.',
        ),
      );
      return;
    }
    const u = new URL(pending.redirectUri);
    if (pending.state !== undefined) u.searchParams.set('state', pending.state);
    const user = form.has('cancel')
      ? undefined
      : this.store.user(form.get('user') ?? '');
    if (!user) {
      u.searchParams.set('error', 'access_denied');
      u.searchParams.set(
        'error_description',
        form.has('cancel') ? 'the sign-in was cancelled' : 'unknown user',
      );
      redirect(ctx.res, u.toString());
      return;
    }
    u.searchParams.set(
      'code',
      this.store.issueCode({
        clientId: pending.clientId,
        redirectUri: pending.redirectUri,
        scope: pending.scope,
        nonce: pending.nonce,
        codeChallenge: pending.codeChallenge,
        sub: user.sub,
      }),
    );
    redirect(ctx.res, u.toString(), {
      'Set-Cookie': `${SESSION_COOKIE}=${encodeURIComponent(
        user.sub,
      )}; Path=/; HttpOnly; SameSite=Lax`,
    });
  }

  /** Client authentication: `client_secret_basic`, or `client_secret_post`. */
  private authenticateClient(
    ctx: RequestContext,
    form: URLSearchParams,
  ): OidcClient {
    const header = ctx.req.headers.authorization ?? '';
    let clientId: string | undefined;
    let secret: string | undefined;
    const basic = /^Basic\s+(.+)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0) {
        try {
          clientId = formDecode(decoded.slice(0, i));
          secret = formDecode(decoded.slice(i + 1));
        } catch {
          clientId = undefined;
        }
      }
    } else if (form.has('client_secret')) {
      clientId = form.get('client_id') ?? undefined;
      secret = form.get('client_secret') ?? undefined;
    }
    const client = clientId ? this.store.client(clientId) : undefined;
    if (!client || client.clientSecret !== secret) {
      throw oauthError(401, 'invalid_client', 'client authentication failed', {
        'WWW-Authenticate': 'Basic realm="sandbox-oidc"',
      });
    }
    return client;
  }

  /** The token endpoint (OIDC Core §3.1.3, RFC 6749 §4.1.3 and §6, RFC 7636 §4.6). */
  private async token(ctx: RequestContext) {
    const form = await formParams(ctx);
    const client = this.authenticateClient(ctx, form);
    const grantType = form.get('grant_type');
    let tokens;
    if (grantType === 'authorization_code') {
      const code = this.store.takeCode(form.get('code') ?? '');
      if (!code || code.clientId !== client.clientId) {
        throw oauthError(
          400,
          'invalid_grant',
          'the code is unknown, used, expired or belongs to another client',
        );
      }
      if (form.get('redirect_uri') !== code.redirectUri) {
        throw oauthError(
          400,
          'invalid_grant',
          'redirect_uri differs from the authorization request',
        );
      }
      const verifier = form.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
        throw oauthError(
          400,
          'invalid_grant',
          'code_verifier is missing or malformed',
        );
      }
      const challenge = base64url(
        createHash('sha256').update(verifier).digest(),
      );
      if (challenge !== code.codeChallenge) {
        throw oauthError(400, 'invalid_grant', 'PKCE verification failed');
      }
      tokens = this.store.issueTokens({
        clientId: client.clientId,
        scope: code.scope,
        sub: code.sub,
        authTime: code.authTime,
        nonce: code.nonce,
        issuer: this.issuer,
      });
    } else if (grantType === 'refresh_token') {
      const grant = this.store.takeRefreshToken(
        form.get('refresh_token') ?? '',
      );
      if (!grant || grant.clientId !== client.clientId) {
        throw oauthError(
          400,
          'invalid_grant',
          'the refresh token is unknown, used or belongs to another client',
        );
      }
      tokens = this.store.issueTokens({ ...grant, issuer: this.issuer });
    } else {
      throw oauthError(
        400,
        'unsupported_grant_type',
        `grant_type ${grantType ?? '(none)'} is not supported`,
      );
    }
    sendJson(ctx.res, 200, tokens, {
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
  }

  private async revoke(ctx: RequestContext) {
    const form = await formParams(ctx);
    this.authenticateClient(ctx, form);
    this.store.revoke(form.get('token') ?? '');
    ctx.res.writeHead(200, { 'Content-Length': 0 });
    ctx.res.end();
  }

  /** The userinfo endpoint (OIDC Core §5.3): the bearer token's person, by its scopes. */
  private async userinfo(ctx: RequestContext) {
    const header = ctx.req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header);
    let token = bearer?.[1].trim();
    if (!token && ctx.method === 'POST') {
      token = (await formParams(ctx)).get('access_token') ?? undefined;
    }
    const grant = token ? this.store.accessToken(token) : undefined;
    const user = grant && this.store.user(grant.sub);
    if (!grant || !user) {
      throw new HttpError(
        401,
        {
          error: 'invalid_token',
          error_description: 'the access token is missing, unknown or expired',
        },
        {
          'WWW-Authenticate':
            'Bearer error="invalid_token", error_description="the access token is missing, unknown or expired"',
        },
      );
    }
    sendJson(ctx.res, 200, { sub: user.sub, ...userClaims(user, grant.scope) });
  }

  private installControlRoutes() {
    const http = this.http;
    http.addControlRoute('GET', '/_sandbox/oidc/state', ctx =>
      sendJson(ctx.res, 200, this.store.summary()),
    );
    http.addControlRoute('POST', '/_sandbox/oidc/clock', async ctx => {
      const body = (parseJson(await ctx.body()) ?? {}) as {
        offsetSeconds?: unknown;
      };
      if (!Number.isInteger(body.offsetSeconds)) {
        throw new HttpError(400, {
          message: 'offsetSeconds must be an integer',
        });
      }
      this.store.clockOffsetSeconds = body.offsetSeconds as number;
      sendJson(ctx.res, 200, { ok: true });
    });
    http.addControlRoute('POST', '/_sandbox/oidc/tamper', async ctx => {
      const body = parseJson(await ctx.body()) as OidcTamper | undefined;
      if (!body || typeof body.claims !== 'object' || !body.claims) {
        throw new HttpError(400, {
          message: 'body must be { claims, count? }',
        });
      }
      this.store.tamper(body);
      sendJson(ctx.res, 200, { ok: true });
    });
    http.addControlRoute('POST', '/_sandbox/oidc/rotate-key', ctx => {
      this.store.rotateKey();
      sendJson(ctx.res, 200, { kid: this.store.kid });
    });
  }
}
