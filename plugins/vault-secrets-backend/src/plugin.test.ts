import request from 'supertest';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntitySecretsStatus } from '@groundcrew/plugin-infra-common';
import {
  fleetClustersConfig,
  Sandbox,
  startSandbox,
  VAULT_CANARY,
} from '@groundcrew/sandbox';
import { vaultSecretsPlugin } from './plugin';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
  };
}

const entities = [
  component('ai-gateway', {
    'groundcrew.io/runway-service': 'ai-gateway',
    'groundcrew.io/vault-path': 'secret/ai-gateway',
  }),
  component('checkout-api', {
    'backstage.io/kubernetes-id': 'checkout-api',
    'groundcrew.io/vault-path': 'secret/checkout-api',
    'groundcrew.io/vault-lease-prefix': 'database/creds/checkout-api',
  }),
  // Set up for the community Vault plugin only.
  component('search-indexer', { 'vault.io/secrets-path': 'search-indexer' }),
  component('one-secret', {
    'groundcrew.io/vault-path':
      'secret/checkout-api/stripe-key, secret/ai-gateway/openai-api-key',
  }),
  component('denied', {
    'groundcrew.io/vault-path':
      'secret/platform, secret/ai-gateway/openai-api-key',
  }),
  component('nothing', {}),
  component('bad-dotdot', { 'groundcrew.io/vault-path': 'secret/../sys' }),
  component('bad-empty', { 'groundcrew.io/vault-path': ' ' }),
  component('bad-url', {
    'groundcrew.io/vault-path': 'https://vault.example.com/v1/secret/x',
  }),
  component('bad-absolute', { 'groundcrew.io/vault-path': '/secret/x' }),
  component('bad-mount', {
    'groundcrew.io/vault-path': 'platform-secrets/root',
  }),
  component('bad-engine', {
    'vault.io/secrets-path': 'x',
    'vault.io/secrets-engine': 'platform-secrets',
  }),
  component('bad-lease', { 'groundcrew.io/vault-lease-prefix': 'sys/leases' }),
];

const catalog = catalogServiceMock.mock({
  async getEntityByRef(ref) {
    return entities.find(e => stringifyEntityRef(e) === ref);
  },
});

/** Everything any logger of the backend wrote, to scan for the canary. */
const logged: string[] = [];
class RecordingLogger implements RootLoggerService {
  constructor(private readonly meta: object = {}) {}
  private write(level: string, message: string, meta?: unknown) {
    logged.push(
      JSON.stringify({ level, message, meta, context: this.meta }, (_k, v) =>
        v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
      ),
    );
  }
  error(m: string, meta?: Error | object) {
    this.write('error', m, meta);
  }
  warn(m: string, meta?: Error | object) {
    this.write('warn', m, meta);
  }
  info(m: string, meta?: Error | object) {
    this.write('info', m, meta);
  }
  debug(m: string, meta?: Error | object) {
    this.write('debug', m, meta);
  }
  child(meta: object): LoggerService {
    return new RecordingLogger({ ...this.meta, ...meta });
  }
}
const rootLogger = new RecordingLogger();

/** Casey may not read secrets status; everyone else may. */
const asked: Array<{ name: string; resourceRef?: string }> = [];
const permissions = mockServices.permissions.mock({
  async authorize(requests, options) {
    const principal = options.credentials.principal as {
      userEntityRef?: string;
    };
    return requests.map(r => {
      asked.push({
        name: r.permission.name,
        resourceRef: (r as { resourceRef?: string }).resourceRef,
      });
      return {
        result:
          principal.userEntityRef === 'user:default/casey'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      };
    });
  },
});

describe('vault-secrets backend', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const responses: string[] = [];
  const demo = mockCredentials.user.header('user:default/demo');

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'gke-prod-us-east1' }],
      demo: true,
      gcp: { enabled: false },
      gitlab: { enabled: false },
      oidc: { enabled: false },
      teleport: { enabled: false },
      timings: {
        podStartDelayMs: 10,
        podReadyDelayMs: 20,
        fluxReadyDelayMs: 10,
      },
    } as Parameters<typeof startSandbox>[0]);
    backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:0',
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            groundcrew: {
              kubernetes: { clusters: fleetClustersConfig(sandbox) },
              vault: {
                endpoint: sandbox.vault!.url,
                caData: sandbox.kubernetes.caPem,
                metadataCacheSeconds: 0,
                auth: { token: sandbox.vault!.token },
              },
              vaultSecrets: {
                rotation: {
                  paths: [
                    {
                      prefix: 'secret/checkout-api/webhook-secret',
                      period: '21d',
                    },
                  ],
                },
              },
            },
          },
        }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => rootLogger,
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: { plugin: coreServices.pluginMetadata },
          factory: ({ plugin }) => rootLogger.child({ plugin: plugin.getId() }),
        }),
        permissions.factory,
        catalog.factory,
        vaultSecretsPlugin,
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    await sandbox.vault!.control.clearFaults();
    await sandbox.vault!.control.setCondition({
      sealed: false,
      standby: false,
    });
  });

  async function get(name: string, auth = demo) {
    const res = await request(backend.server)
      .get(`/api/vault-secrets/secrets/default/component/${name}`)
      .set('Authorization', auth);
    responses.push(res.text);
    return res;
  }

  async function status(name: string): Promise<EntitySecretsStatus> {
    const res = await get(name);
    expect(res.status).toBe(200);
    return res.body;
  }

  const byPath = (s: EntitySecretsStatus) =>
    Object.fromEntries(s.secrets.map(x => [x.path, x]));

  it('lists an entity folder recursively with freshness from custom metadata, config and default', async () => {
    const s = await status('checkout-api');
    expect(s.vault).toMatchObject({ state: 'ok', version: '1.17.6' });
    expect(s.vault.tokenTtlSeconds).toBeGreaterThan(0);
    const secrets = byPath(s);
    expect(Object.keys(secrets)).toEqual([
      'checkout-api/db/password',
      'checkout-api/stripe-key',
      'checkout-api/webhook-secret',
    ]);
    expect(secrets['checkout-api/stripe-key']).toMatchObject({
      status: 'overdue',
      currentVersion: 2,
      versionCount: 2,
      rotationSource: 'custom_metadata',
      rotationPeriodSeconds: 720 * 3600,
      owner: 'team-commerce',
    });
    expect(
      secrets['checkout-api/stripe-key'].ageSeconds,
    ).toBeGreaterThanOrEqual(45 * 86400 - 5);
    expect(secrets['checkout-api/stripe-key'].uiUrl).toBe(
      `${
        sandbox.vault!.url
      }/ui/vault/secrets/secret/kv/checkout-api%2Fstripe-key/details`,
    );
    // 20 days old on a 21-day path rule: due.
    expect(secrets['checkout-api/webhook-secret']).toMatchObject({
      status: 'due',
      rotationSource: 'config',
    });
    expect(secrets['checkout-api/db/password']).toMatchObject({
      status: 'fresh',
    });
    expect(s.counts).toMatchObject({ fresh: 1, due: 1, overdue: 1 });
  });

  it('shows a destroyed version, the community annotation and the default rotation period', async () => {
    const ai = byPath(await status('ai-gateway'));
    expect(ai['ai-gateway/signing-key']).toMatchObject({
      destroyedVersions: [1],
      currentVersion: 3,
      status: 'fresh',
    });
    expect(ai['ai-gateway/anthropic-api-key'].status).toBe('due');
    const search = await status('search-indexer');
    expect(search.paths).toEqual(['secret/search-indexer']);
    expect(byPath(search)['search-indexer/elastic-password']).toMatchObject({
      status: 'overdue',
      rotationSource: 'default',
      rotationPeriodSeconds: 90 * 86400,
    });
    // A path that names secrets rather than folders.
    const one = await status('one-secret');
    expect(one.secrets.map(x => x.path)).toEqual([
      'ai-gateway/openai-api-key',
      'checkout-api/stripe-key',
    ]);
  });

  it('lists the leases under the entity prefixes with their TTL', async () => {
    const s = await status('checkout-api');
    expect(s.leasePrefixes).toEqual(['database/creds/checkout-api']);
    expect(s.leases).toHaveLength(2);
    expect(s.leases[0].id).toMatch(/^database\/creds\/checkout-api\//);
    expect(s.leases[0].ttlSeconds).toBeLessThanOrEqual(s.leases[1].ttlSeconds);
    expect(s.leases[0].ttlSeconds).toBeGreaterThan(0);
  });

  it('names the pods that started before their secret current version', async () => {
    let s: EntitySecretsStatus | undefined;
    for (let i = 0; i < 100; i++) {
      s = await status('ai-gateway');
      if (byPath(s)['ai-gateway/signing-key'].podsNeedingRestart.length > 0)
        break;
      await new Promise(r => setTimeout(r, 100));
    }
    const signing = byPath(s!)['ai-gateway/signing-key'];
    // The three stable pods started three days ago; the key was rotated yesterday.
    expect(signing.podsNeedingRestart).toHaveLength(3);
    expect(signing.podsNeedingRestart[0]).toMatchObject({
      cluster: 'gke-prod-us-east1',
      namespace: 'ai-gateway',
      file: 'signing-key',
    });
    // Rotated 12 days ago, before the pods started: nothing to restart.
    expect(byPath(s!)['ai-gateway/openai-api-key'].podsNeedingRestart).toEqual(
      [],
    );
  });

  it('reports a path the portal token may not read, and still shows the rest', async () => {
    const s = await status('denied');
    expect(s.problems).toEqual([
      {
        path: 'secret/platform',
        message: 'Vault denied the portal access to this path',
      },
    ]);
    expect(s.secrets.map(x => x.path)).toEqual(['ai-gateway/openai-api-key']);
  });

  it.each([
    ['bad-dotdot', /groundcrew.io\/vault-path.*steps out/],
    ['bad-empty', /groundcrew.io\/vault-path.*empty/],
    ['bad-url', /groundcrew.io\/vault-path.*is a URL/],
    ['bad-absolute', /groundcrew.io\/vault-path.*absolute/],
    [
      'bad-mount',
      /groundcrew.io\/vault-path.*mount "platform-secrets", which the portal may not list/,
    ],
    ['bad-engine', /vault.io\/secrets-engine.*may not list/],
    [
      'bad-lease',
      /groundcrew.io\/vault-lease-prefix.*not under an allowed lease prefix/,
    ],
  ])('answers 400 naming the annotation for %s', async (name, message) => {
    const res = await get(name);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
  });

  it('answers 403 without the permission and 404 for an unknown entity', async () => {
    asked.length = 0;
    expect(
      (
        await get(
          'checkout-api',
          mockCredentials.user.header('user:default/casey'),
        )
      ).status,
    ).toBe(403);
    expect((await get('no-such-entity')).status).toBe(404);
    // The permission is asked about the entity itself.
    expect(asked[0]).toEqual({
      name: 'groundcrew.secrets.read',
      resourceRef: 'component:default/checkout-api',
    });
  });

  it('says sealed, standby, rate-limited and unreachable as a state, not a 500', async () => {
    const c = sandbox.vault!.control;
    await c.setCondition({ sealed: true });
    let s = await status('checkout-api');
    expect(s.vault).toMatchObject({
      state: 'sealed',
      message: 'Vault is sealed',
    });
    expect(s.secrets).toEqual([]);
    await c.setCondition({ sealed: false, standby: true });
    s = await status('checkout-api');
    expect(s.vault.state).toBe('standby');
    expect(s.secrets).toHaveLength(3);
    await c.setCondition({ standby: false });
    await c.injectFault({
      path: '/v1/secret/metadata/checkout-api/stripe-key',
      status: 429,
      count: 1,
    });
    s = await status('checkout-api');
    expect(s.vault).toMatchObject({
      state: 'unreachable',
      message: expect.stringMatching(/rate-limiting/),
    });
    await c.down();
    try {
      s = await status('checkout-api');
      expect(s.vault).toMatchObject({
        state: 'unreachable',
        message: expect.stringMatching(/unreachable/),
      });
    } finally {
      await c.up();
    }
    expect((await status('checkout-api')).vault.state).toBe('ok');
  });

  it('never read a secret value and never let the canary out', async () => {
    expect(await sandbox.vault!.control.dataReads()).toBe(0);
    expect(responses.length).toBeGreaterThan(15);
    expect(
      logged.some(l =>
        l.includes('secrets status of component:default/checkout-api'),
      ),
    ).toBe(true);
    for (const text of [...responses, ...logged]) {
      expect(text).not.toContain(VAULT_CANARY);
    }
    // The scan is not vacuous: the canary is in Vault, in the secrets the responses described.
    const stored = sandbox.vault!.server.store.secret(
      'secret',
      'checkout-api/stripe-key',
    );
    expect(stored!.versions[2].data!.value).toContain(VAULT_CANARY);
  });
});
