import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import oidcProvider from '@backstage/plugin-auth-backend-module-oidc-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { DEMO_OIDC_USERS, Sandbox, startSandbox } from '@groundcrew/sandbox';
import {
  demoCatalogConfig,
  waitForEntities,
} from './__testUtils__/demoCatalog';

/**
 * Sign-in as different people, end to end without a browser: Backstage's own auth backend with its
 * OIDC module (openid-client underneath) against the sandbox's OpenID Connect provider, through
 * `/api/auth/oidc/start` → the provider's "pick a demo user" page → `/api/auth/oidc/handler/frame`,
 * the person resolved by the real catalog from examples/org.yaml by spec.profile.email.
 */

type Server = Awaited<ReturnType<typeof startTestBackend>>['server'];

interface FrameResponse {
  type: 'authorization_response';
  response?: {
    profile: { email?: string; displayName?: string };
    providerInfo: { idToken: string; accessToken: string; scope: string };
    backstageIdentity?: {
      token: string;
      identity: { userEntityRef: string; ownershipEntityRefs: string[] };
    };
  };
  error?: { name: string; message: string };
}

function authConfig(sandbox: Sandbox, clientSecret: string) {
  return {
    app: { baseUrl: 'http://localhost:3000' },
    auth: {
      environment: 'development',
      session: { secret: 'oidc-sign-in-test-session-secret' },
      providers: {
        oidc: {
          development: {
            metadataUrl: sandbox.oidc!.metadataUrl,
            clientId: sandbox.oidc!.clientId,
            clientSecret,
            prompt: 'auto',
            additionalScopes: ['offline_access'],
            signIn: {
              resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }],
            },
          },
        },
      },
    },
  };
}

/**
 * A browser's cookie jar, enough for one host: `name=value` of every Set-Cookie, later ones winning,
 * deleted ones (Max-Age=0, as Backstage clears the nonce cookie of another path first) left out.
 */
function cookiesOf(
  res: request.Response,
  jar: Map<string, string> = new Map(),
): Map<string, string> {
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  for (const cookie of set ?? []) {
    const [pair, ...attributes] = cookie.split(';').map(s => s.trim());
    const name = pair.slice(0, pair.indexOf('='));
    if (attributes.some(a => /^max-age=0$/i.test(a))) jar.delete(name);
    else jar.set(name, pair);
  }
  return jar;
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar.values()].join('; ');
}

/** The JSON the handler frame posts to the app window. */
function frameMessage(html: string): FrameResponse {
  const m = /var authResponse = decodeURIComponent\('([^']*)'\)/.exec(html);
  if (!m) throw new Error(`not a web message response: ${html}`);
  return JSON.parse(decodeURIComponent(m[1]));
}

/**
 * The popup's journey: start → the provider's page → pick `email` (or cancel with null) → the
 * handler frame, with the cookies a browser would carry.
 */
async function signInThroughProvider(
  server: Server,
  email: string | null,
): Promise<{ message: FrameResponse; cookies: Map<string, string> }> {
  const start = await request(server)
    .get('/api/auth/oidc/start')
    .query({ env: 'development', scope: 'openid profile email' });
  expect(start.status).toBe(302);
  const cookies = cookiesOf(start);
  const authorizeUrl = new URL(start.headers.location);
  expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizeUrl.searchParams.get('nonce')).toBeTruthy();
  expect(authorizeUrl.searchParams.get('scope')!.split(' ')).toEqual(
    expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
  );

  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const html = await page.text();
  const req = /name="req" value="([^"]+)"/.exec(html)![1];
  const user = email && DEMO_OIDC_USERS.find(u => u.email === email);
  const form = new URLSearchParams({ req });
  if (email === null) form.set('cancel', '1');
  else form.set('user', user ? user.sub : email);
  const picked = await fetch(new URL('/auth/approval', authorizeUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(picked.status).toBe(302);
  const callback = new URL(picked.headers.get('location')!);
  expect(callback.pathname).toBe('/api/auth/oidc/handler/frame');

  const frame = await request(server)
    .get(`${callback.pathname}${callback.search}`)
    .set('Cookie', cookieHeader(cookies));
  expect(frame.status).toBe(200);
  return {
    message: frameMessage(frame.text),
    cookies: cookiesOf(frame, cookies),
  };
}

function tokenClaims(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

describe('OIDC sign-in through the real auth backend and the sandbox provider', () => {
  let sandbox: Sandbox;
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [],
      gcp: { enabled: false },
      gitlab: { enabled: false },
      vault: { enabled: false },
      teleport: { enabled: false },
      oidc: {
        users: [
          ...DEMO_OIDC_USERS,
          {
            sub: 'stranger',
            email: 'stranger@elsewhere.example',
            name: 'Not In The Catalog',
          },
        ],
      },
    });
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            ...demoCatalogConfig(),
            ...authConfig(sandbox, sandbox.oidc!.clientSecret),
          },
        }),
        catalogPlugin,
        authPlugin,
        oidcProvider,
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    await waitForEntities(server, ['user/default/demo', 'user/default/pat']);
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    await sandbox.oidc!.control.reset();
    await sandbox.oidc!.control.resetCounters();
  });

  it('signs two different people in, each resolved to their user entity by email', async () => {
    const demo = await signInThroughProvider(server, 'demo@groundcrew.example');
    expect(demo.message.error).toBeUndefined();
    expect(demo.message.response!.profile).toMatchObject({
      email: 'demo@groundcrew.example',
      displayName: 'Demo User',
    });
    const demoIdentity = demo.message.response!.backstageIdentity!;
    expect(demoIdentity.identity.userEntityRef).toBe('user:default/demo');
    expect(demoIdentity.identity.ownershipEntityRefs).toEqual(
      expect.arrayContaining(['user:default/demo', 'group:default/team-ai']),
    );
    expect(tokenClaims(demoIdentity.token).sub).toBe('user:default/demo');

    const pat = await signInThroughProvider(server, 'pat@groundcrew.example');
    const patIdentity = pat.message.response!.backstageIdentity!;
    expect(patIdentity.identity.userEntityRef).toBe('user:default/pat');
    expect(patIdentity.identity.ownershipEntityRefs).toEqual(
      expect.arrayContaining(['user:default/pat', 'group:default/platform']),
    );
    // The provider's ID token reached the app, issued for our client by the sandbox.
    const idToken = tokenClaims(pat.message.response!.providerInfo.idToken);
    expect(idToken).toMatchObject({
      iss: sandbox.oidc!.issuer,
      aud: sandbox.oidc!.clientId,
      sub: 'pat',
    });

    const counters = await sandbox.oidc!.control.counters();
    expect(counters.routes).toMatchObject({
      'GET /auth': 2,
      'POST /auth/approval': 2,
      'POST /token': 2,
      'GET /userinfo': 2,
    });
  });

  it('keeps the person signed in across a reload through the refresh token', async () => {
    const { cookies } = await signInThroughProvider(
      server,
      'pat@groundcrew.example',
    );
    const refresh = await request(server)
      .get('/api/auth/oidc/refresh')
      .query({ env: 'development', optional: true })
      .set('X-Requested-With', 'XMLHttpRequest')
      .set('Cookie', cookieHeader(cookies));
    expect(refresh.status).toBe(200);
    expect(refresh.body.backstageIdentity.identity.userEntityRef).toBe(
      'user:default/pat',
    );
    expect(await sandbox.oidc!.control.count('POST /token')).toBe(2);
  });

  it('refuses an expired ID token', async () => {
    await sandbox.oidc!.control.setClockOffset(-7200);
    const { message } = await signInThroughProvider(
      server,
      'casey@groundcrew.example',
    );
    expect(message.response).toBeUndefined();
    expect(message.error!.message).toMatch(/expired/i);
  });

  it('refuses an ID token that does not echo the nonce, or comes from another issuer', async () => {
    await sandbox.oidc!.control.tamperNextIdTokens({
      claims: { nonce: 'not-the-nonce-of-this-sign-in' },
    });
    const wrongNonce = await signInThroughProvider(
      server,
      'casey@groundcrew.example',
    );
    expect(wrongNonce.message.error!.message).toMatch(/nonce mismatch/);

    await sandbox.oidc!.control.tamperNextIdTokens({
      claims: { iss: 'http://127.0.0.1:1' },
    });
    const wrongIssuer = await signInThroughProvider(
      server,
      'casey@groundcrew.example',
    );
    expect(wrongIssuer.message.error!.message).toMatch(/unexpected iss/);
  });

  it('refuses someone the catalog does not know, and a cancelled sign-in', async () => {
    const stranger = await signInThroughProvider(
      server,
      'stranger@elsewhere.example',
    );
    expect(stranger.message.response).toBeUndefined();
    expect(stranger.message.error!.message).toMatch(
      /unable to resolve user identity/i,
    );

    const cancelled = await signInThroughProvider(server, null);
    expect(cancelled.message.error!.message).toMatch(/access_denied/);
  });
});

describe('OIDC sign-in with a wrong client secret', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [],
      gcp: { enabled: false },
      gitlab: { enabled: false },
      vault: { enabled: false },
      teleport: { enabled: false },
    });
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:0',
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            ...authConfig(sandbox, 'not-the-client-secret'),
          },
        }),
        authPlugin,
        oidcProvider,
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  it('fails at the token endpoint with invalid_client, and nobody is signed in', async () => {
    const { message } = await signInThroughProvider(
      backend.server,
      'demo@groundcrew.example',
    );
    expect(message.response).toBeUndefined();
    expect(message.error!.message).toMatch(/invalid_client/);
    const counters = await sandbox.oidc!.control.counters();
    expect(counters.routes['POST /token']).toBe(1);
    expect(counters.routes['GET /userinfo']).toBeUndefined();
  });
});
