import {
  createHash,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';

/** A person who can sign in on the "pick a demo user" page. */
export interface OidcUser {
  /** The `sub` claim: stable, unique. */
  sub: string;
  email: string;
  name: string;
  preferredUsername?: string;
  /** The `groups` claim, with the `groups` scope (as Dex sends it). */
  groups?: string[];
}

/** A registered relying party. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  name?: string;
  /**
   * Exact redirect URIs. Absent: any `http(s)` URI on a loopback host
   * (`localhost`, `127.0.0.1`, `[::1]`) is accepted, since the portal's port is
   * chosen at run time in tests.
   */
  redirectUris?: string[];
}

/** Lifetimes in seconds. */
export interface OidcTimings {
  /** ID and access tokens (default 3600; Dex's default is 24h). */
  tokenTtlSeconds: number;
  /** Authorization codes (default 60). */
  codeTtlSeconds: number;
  /** Pending authorization requests on the picker page (default 600). */
  requestTtlSeconds: number;
}

export const DEFAULT_OIDC_TIMINGS: OidcTimings = {
  tokenTtlSeconds: 3600,
  codeTtlSeconds: 60,
  requestTtlSeconds: 600,
};

/** An authorization request waiting for someone to be picked. */
export interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  expiresAt: number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scope: string[];
  nonce?: string;
  codeChallenge: string;
  sub: string;
  authTime: number;
  expiresAt: number;
}

interface TokenRecord {
  clientId: string;
  scope: string[];
  sub: string;
  authTime: number;
  expiresAt: number;
}

/**
 * Claims written over the next ID tokens, to make the provider misbehave for a
 * relying party's negative tests (a wrong `nonce`, `iss` or `aud`).
 */
export interface OidcTamper {
  claims: Record<string, unknown>;
  /** How many ID tokens (default 1). */
  count?: number;
}

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function randomId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The OIDC imitation's state: the signing key, clients and users, and the
 * short-lived grants (pending requests, codes, access and refresh tokens), all
 * in memory — a restart signs everyone out, as a Dex with a memory store does.
 */
export class OidcStore {
  private key:
    | { privateKey: KeyObject; publicJwk: Record<string, unknown>; kid: string }
    | undefined;
  private pending = new Map<string, PendingAuthorization>();
  private codes = new Map<string, CodeRecord>();
  private accessTokens = new Map<string, TokenRecord>();
  private refreshTokens = new Map<string, Omit<TokenRecord, 'expiresAt'>>();
  private tampers: Array<{ claims: Record<string, unknown>; left: number }> =
    [];
  /** Seconds added to the provider's clock when it issues tokens (negative: tokens born expired). */
  clockOffsetSeconds = 0;
  timings: OidcTimings;

  constructor(
    readonly clients: OidcClient[],
    readonly users: OidcUser[],
    private readonly baseTimings: Partial<OidcTimings> = {},
  ) {
    this.timings = { ...DEFAULT_OIDC_TIMINGS, ...baseTimings };
  }

  /**
   * The RS256 signing key, made on first use: most sandboxes (every test of another system)
   * never sign anyone in, and an RSA key costs a few hundred milliseconds on a busy machine.
   */
  private signingKey() {
    if (!this.key) this.rotateKey();
    return this.key!;
  }

  get kid(): string {
    return this.signingKey().kid;
  }

  /** A new RS256 signing key: tokens signed with the old one no longer verify. */
  rotateKey(): void {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
    });
    const kid = randomId(8);
    this.key = {
      privateKey,
      kid,
      publicJwk: {
        ...publicKey.export({ format: 'jwk' }),
        kid,
        use: 'sig',
        alg: 'RS256',
      },
    };
  }

  /** Back to the start: no grants, no tamper, the real clock, the configured timings. */
  reset(): void {
    this.pending.clear();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.tampers = [];
    this.clockOffsetSeconds = 0;
    this.timings = { ...DEFAULT_OIDC_TIMINGS, ...this.baseTimings };
  }

  jwks(): { keys: Array<Record<string, unknown>> } {
    return { keys: [this.signingKey().publicJwk] };
  }

  /** Seconds since the epoch, on the provider's (possibly shifted) clock. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffsetSeconds;
  }

  private realNow(): number {
    return Math.floor(Date.now() / 1000);
  }

  client(clientId: string): OidcClient | undefined {
    return this.clients.find(c => c.clientId === clientId);
  }

  user(subOrEmail: string): OidcUser | undefined {
    return this.users.find(u => u.sub === subOrEmail || u.email === subOrEmail);
  }

  addPending(p: Omit<PendingAuthorization, 'id' | 'expiresAt'>): string {
    const id = randomId(12);
    this.pending.set(id, {
      ...p,
      id,
      expiresAt: this.realNow() + this.timings.requestTtlSeconds,
    });
    return id;
  }

  /** Takes a pending request (it can be answered once). */
  takePending(id: string): PendingAuthorization | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (!p || p.expiresAt < this.realNow()) return undefined;
    return p;
  }

  issueCode(
    p: Omit<CodeRecord, 'expiresAt' | 'authTime'> & { authTime?: number },
  ): string {
    const code = randomId();
    this.codes.set(code, {
      ...p,
      authTime: p.authTime ?? this.now(),
      expiresAt: this.realNow() + this.timings.codeTtlSeconds,
    });
    return code;
  }

  /** Takes a code: single use, whatever the outcome of the exchange. */
  takeCode(code: string): CodeRecord | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    if (!c || c.expiresAt < this.realNow()) return undefined;
    return c;
  }

  /** An access token, an ID token and, with `offline_access`, a refresh token. */
  issueTokens(grant: {
    clientId: string;
    scope: string[];
    sub: string;
    authTime: number;
    nonce?: string;
    issuer: string;
  }): {
    access_token: string;
    token_type: 'Bearer';
    expires_in: number;
    id_token: string;
    scope: string;
    refresh_token?: string;
  } {
    const user = this.user(grant.sub);
    if (!user) throw new Error(`no user ${grant.sub}`);
    const accessToken = randomId(32);
    const iat = this.now();
    const exp = iat + this.timings.tokenTtlSeconds;
    this.accessTokens.set(accessToken, {
      clientId: grant.clientId,
      scope: grant.scope,
      sub: grant.sub,
      authTime: grant.authTime,
      expiresAt: exp,
    });
    const claims: Record<string, unknown> = {
      iss: grant.issuer,
      sub: user.sub,
      aud: grant.clientId,
      exp,
      iat,
      auth_time: grant.authTime,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      at_hash: base64url(
        createHash('sha256').update(accessToken).digest().subarray(0, 16),
      ),
      ...userClaims(user, grant.scope),
    };
    const tamper = this.tampers[0];
    if (tamper) {
      Object.assign(claims, tamper.claims);
      tamper.left -= 1;
      if (tamper.left <= 0) this.tampers.shift();
    }
    let refreshToken: string | undefined;
    if (grant.scope.includes('offline_access')) {
      refreshToken = randomId(32);
      this.refreshTokens.set(refreshToken, {
        clientId: grant.clientId,
        scope: grant.scope,
        sub: grant.sub,
        authTime: grant.authTime,
      });
    }
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: exp - this.realNow(),
      id_token: this.signJwt(claims),
      scope: grant.scope.join(' '),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  /** The grant of an access token that has not expired. */
  accessToken(token: string): TokenRecord | undefined {
    const t = this.accessTokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt <= this.realNow()) {
      this.accessTokens.delete(token);
      return undefined;
    }
    return t;
  }

  /** Takes a refresh token: they rotate, as Dex's do. */
  takeRefreshToken(token: string) {
    const t = this.refreshTokens.get(token);
    this.refreshTokens.delete(token);
    return t;
  }

  /** Revokes a refresh or access token (RFC 7009: unknown tokens are fine). */
  revoke(token: string): void {
    this.refreshTokens.delete(token);
    this.accessTokens.delete(token);
  }

  tamper(t: OidcTamper): void {
    const count = t.count ?? 1;
    this.tampers.push({ claims: t.claims, left: count > 0 ? count : 1 });
  }

  /** What the control API shows: no secret, no token value. */
  summary() {
    return {
      users: this.users,
      clients: this.clients.map(c => ({
        clientId: c.clientId,
        name: c.name,
        redirectUris: c.redirectUris ?? null,
      })),
      kid: this.kid,
      clockOffsetSeconds: this.clockOffsetSeconds,
      timings: this.timings,
      pendingAuthorizations: this.pending.size,
      codes: this.codes.size,
      accessTokens: this.accessTokens.size,
      refreshTokens: this.refreshTokens.size,
      tampers: this.tampers.map(t => ({ claims: t.claims, remaining: t.left })),
    };
  }

  private signJwt(claims: Record<string, unknown>): string {
    const key = this.signingKey();
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
    const input = `${base64url(JSON.stringify(header))}.${base64url(
      JSON.stringify(claims),
    )}`;
    const signature = sign('sha256', Buffer.from(input), key.privateKey);
    return `${input}.${base64url(signature)}`;
  }
}

/** The claims the scopes grant: `email`, `profile`, `groups` (as Dex maps them). */
export function userClaims(
  user: OidcUser,
  scope: string[],
): Record<string, unknown> {
  return {
    ...(scope.includes('email')
      ? { email: user.email, email_verified: true }
      : {}),
    ...(scope.includes('profile')
      ? {
          name: user.name,
          preferred_username: user.preferredUsername ?? user.sub,
        }
      : {}),
    ...(scope.includes('groups') ? { groups: user.groups ?? [] } : {}),
  };
}
