import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { Sandbox, startSandbox } from '../sandbox';
import { DEMO_OIDC_CLIENT_ID, DEMO_OIDC_CLIENT_SECRET } from './demo';

/*
 * The provider driven as a relying party drives it, over plain fetch: the ID
 * token is verified here with node:crypto against the JWKS. The real relying
 * party (Backstage's OIDC module on openid-client) is exercised against this
 * server in packages/backend/src/oidcSignIn.test.ts.
 */

const REDIRECT = 'http://localhost:7007/api/auth/oidc/handler/frame';

function b64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

function decodeJwt(jwt: string) {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    input: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

describe('OIDC imitation', () => {
  let sandbox: Sandbox;
  let issuer: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [],
      gcp: { enabled: false },
      gitlab: { enabled: false },
      vault: { enabled: false },
      teleport: { enabled: false },
    });
    issuer = sandbox.oidc!.issuer;
  });

  afterAll(() => sandbox?.stop());

  beforeEach(async () => {
    await sandbox.oidc!.control.reset();
    await sandbox.oidc!.control.resetCounters();
  });

  /** GET /auth with a fresh PKCE pair; returns the response and what the client keeps. */
  async function authorize(
    extra: Record<string, string | undefined> = {},
    headers: Record<string, string> = {},
  ) {
    const verifier = b64url(randomBytes(32));
    const nonce = b64url(randomBytes(16));
    const state = b64url(randomBytes(8));
    const params: Record<string, string | undefined> = {
      client_id: DEMO_OIDC_CLIENT_ID,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: b64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
      ...extra,
    };
    const url = new URL(`${issuer}/auth`);
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined) url.searchParams.set(k, v);
    }
    const res = await fetch(url, { redirect: 'manual', headers });
    return { res, verifier, nonce, state };
  }

  /** Picks a person on the page; returns the redirect back to the client. */
  async function pick(html: string, user: string | null) {
    const req = /name="req" value="([^"]+)"/.exec(html)![1];
    const body = new URLSearchParams({ req });
    if (user === null) body.set('cancel', '1');
    else body.set('user', user);
    const res = await fetch(`${issuer}/auth/approval`, {
      method: 'POST',
      body,
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    return { location: new URL(res.headers.get('location')!), res };
  }

  async function exchange(
    form: Record<string, string>,
    auth = basic(DEMO_OIDC_CLIENT_ID, DEMO_OIDC_CLIENT_SECRET),
  ) {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { Authorization: auth },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: await res.json() };
  }

  /** The whole flow for one person; returns the token response and the client's nonce. */
  async function signIn(user: string, scope = 'openid profile email') {
    const { res, verifier, nonce, state } = await authorize({ scope });
    expect(res.status).toBe(200);
    const { location } = await pick(await res.text(), user);
    expect(location.searchParams.get('state')).toBe(state);
    const code = location.searchParams.get('code')!;
    const tokens = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    return { tokens, nonce, code, verifier };
  }

  async function verifyIdToken(jwt: string) {
    const jwks = (await (await fetch(`${issuer}/keys`)).json()) as {
      keys: Array<JsonWebKey & { kid: string }>;
    };
    const token = decodeJwt(jwt);
    expect(token.header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const jwk = jwks.keys.find(k => k.kid === token.header.kid);
    expect(jwk).toBeDefined();
    const key = createPublicKey({ key: jwk!, format: 'jwk' });
    expect(
      verify('sha256', Buffer.from(token.input), key, token.signature),
    ).toBe(true);
    return token.claims;
  }

  it('publishes a discovery document whose issuer is exactly its URL', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/keys`,
      userinfo_endpoint: `${issuer}/userinfo`,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code'],
    });
    expect(doc.token_endpoint_auth_methods_supported).toContain(
      'client_secret_basic',
    );
    const jwks = await (await fetch(doc.jwks_uri)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
    });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('shows a page to pick a demo user, one button per person', async () => {
    const { res } = await authorize();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const email of [
      'demo@groundcrew.example',
      'casey@groundcrew.example',
      'pat@groundcrew.example',
    ]) {
      expect(html).toContain(email);
    }
    expect(html).toContain('Cancel');
  });

  it('signs two different people in: signed ID tokens with iss, aud, nonce, and userinfo', async () => {
    for (const [user, email, name] of [
      ['casey', 'casey@groundcrew.example', 'Casey Commerce'],
      ['pat', 'pat@groundcrew.example', 'Pat Platform'],
    ]) {
      const { tokens, nonce } = await signIn(user);
      expect(tokens.status).toBe(200);
      expect(tokens.body).toMatchObject({
        token_type: 'Bearer',
        scope: 'openid profile email',
      });
      expect(tokens.body.refresh_token).toBeUndefined();
      expect(tokens.body.expires_in).toBeGreaterThan(3500);
      const claims = await verifyIdToken(tokens.body.id_token);
      const now = Math.floor(Date.now() / 1000);
      expect(claims).toMatchObject({
        iss: issuer,
        aud: DEMO_OIDC_CLIENT_ID,
        sub: user,
        nonce,
        email,
        email_verified: true,
        name,
      });
      expect(claims.exp).toBeGreaterThan(now + 3500);
      expect(claims.iat).toBeLessThanOrEqual(now + 1);
      expect(claims.at_hash).toBe(
        b64url(
          createHash('sha256')
            .update(tokens.body.access_token)
            .digest()
            .subarray(0, 16),
        ),
      );
      const info = await fetch(`${issuer}/userinfo`, {
        headers: { Authorization: `Bearer ${tokens.body.access_token}` },
      });
      expect(info.status).toBe(200);
      expect(await info.json()).toEqual({
        sub: user,
        email,
        email_verified: true,
        name,
        preferred_username: user,
      });
    }
  });

  it('refuses a wrong client secret, a wrong code verifier, a reused code and another redirect URI', async () => {
    const wrongSecret = await (async () => {
      const { res, verifier } = await authorize();
      const { location } = await pick(await res.text(), 'casey');
      return exchange(
        {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        },
        basic(DEMO_OIDC_CLIENT_ID, 'not-the-secret'),
      );
    })();
    expect(wrongSecret).toEqual({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: 'client authentication failed',
      },
    });

    const attempt = async (change: Record<string, string>) => {
      const { res, verifier } = await authorize();
      const { location } = await pick(await res.text(), 'pat');
      return exchange({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        ...change,
      });
    };
    const badVerifier = await attempt({
      code_verifier: b64url(randomBytes(32)),
    });
    expect(badVerifier.status).toBe(400);
    expect(badVerifier.body.error).toBe('invalid_grant');
    const otherRedirect = await attempt({
      redirect_uri: 'http://localhost:3000/elsewhere',
    });
    expect(otherRedirect.body.error).toBe('invalid_grant');

    const { code, verifier } = await signIn('pat');
    const again = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('never redirects to an unknown client or an unregistered URI; redirects other errors with state', async () => {
    const unknownClient = await authorize({ client_id: 'nobody' });
    expect(unknownClient.res.status).toBe(400);
    expect(await unknownClient.res.text()).toContain('Unknown client');
    const foreign = await authorize({
      redirect_uri: 'https://attacker.example/cb',
    });
    expect(foreign.res.status).toBe(400);

    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'profile email' }, 'invalid_scope'],
    ];
    for (const [change, error] of cases) {
      const { res, state } = await authorize(change);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe(state);
    }

    const { res, state } = await authorize();
    const { location } = await pick(await res.text(), null);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(state);
  });

  it('answers prompt=none with login_required until someone picked, then silently', async () => {
    const first = await authorize({ prompt: 'none' });
    expect(first.res.status).toBe(302);
    expect(
      new URL(first.res.headers.get('location')!).searchParams.get('error'),
    ).toBe('login_required');

    const { res } = await authorize();
    const picked = await pick(await res.text(), 'casey');
    const cookie = picked.res.headers.get('set-cookie')!.split(';')[0];
    const silent = await authorize({ prompt: 'none' }, { Cookie: cookie });
    expect(silent.res.status).toBe(302);
    const code = new URL(silent.res.headers.get('location')!).searchParams.get(
      'code',
    )!;
    const tokens = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: silent.verifier,
    });
    expect((await verifyIdToken(tokens.body.id_token)).sub).toBe('casey');
  });

  it('issues rotating refresh tokens with offline_access, as Dex does', async () => {
    const { tokens } = await signIn(
      'pat',
      'openid profile email offline_access',
    );
    const refresh = tokens.body.refresh_token;
    expect(refresh).toEqual(expect.any(String));
    const next = await exchange({
      grant_type: 'refresh_token',
      refresh_token: refresh,
    });
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(refresh);
    const claims = await verifyIdToken(next.body.id_token);
    expect(claims).toMatchObject({ sub: 'pat', iss: issuer });
    expect(claims.nonce).toBeUndefined();
    const reused = await exchange({
      grant_type: 'refresh_token',
      refresh_token: refresh,
    });
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('issues expired tokens with a shifted clock, and tampered claims when told', async () => {
    await sandbox.oidc!.control.setClockOffset(-7200);
    const expired = await signIn('casey');
    const claims = await verifyIdToken(expired.tokens.body.id_token);
    expect(claims.exp).toBeLessThan(Math.floor(Date.now() / 1000));
    const info = await fetch(`${issuer}/userinfo`, {
      headers: { Authorization: `Bearer ${expired.tokens.body.access_token}` },
    });
    expect(info.status).toBe(401);
    expect(info.headers.get('www-authenticate')).toMatch(/invalid_token/);

    await sandbox.oidc!.control.reset();
    await sandbox.oidc!.control.tamperNextIdTokens({
      claims: { nonce: 'not-your-nonce' },
    });
    const tampered = await signIn('casey');
    expect((await verifyIdToken(tampered.tokens.body.id_token)).nonce).toBe(
      'not-your-nonce',
    );
    const honest = await signIn('casey');
    expect((await verifyIdToken(honest.tokens.body.id_token)).nonce).toBe(
      honest.nonce,
    );
  });

  it('counts reads and mutations per route, takes faults and shows no secret in its state', async () => {
    await signIn('demo');
    const counters = await sandbox.oidc!.control.counters();
    expect(counters.routes).toMatchObject({
      'GET /auth': 1,
      'POST /auth/approval': 1,
      'POST /token': 1,
    });
    expect(counters).toMatchObject({ reads: 1, mutations: 2 });

    await sandbox.oidc!.control.injectFault({
      method: 'POST',
      path: '^/token',
      status: 503,
    });
    const { res, verifier } = await authorize();
    const { location } = await pick(await res.text(), 'demo');
    const failed = await exchange({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('temporarily_unavailable');

    const state = await sandbox.oidc!.control.state();
    expect(state.clients).toEqual([
      {
        clientId: DEMO_OIDC_CLIENT_ID,
        name: 'Groundcrew portal',
        redirectUris: null,
      },
    ]);
    expect(JSON.stringify(state)).not.toContain(DEMO_OIDC_CLIENT_SECRET);
  });

  it('goes down and comes back up through the control API', async () => {
    await sandbox.oidc!.control.down();
    await expect(
      fetch(`${issuer}/.well-known/openid-configuration`),
    ).rejects.toThrow();
    await sandbox.oidc!.control.up();
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
  });
});
