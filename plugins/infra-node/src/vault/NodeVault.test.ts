import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import { Sandbox, startSandbox, VAULT_CANARY } from '@groundcrew/sandbox';
import { NodeVault } from './NodeVault';
import { readVaultConfig, VaultConfig } from './vaultConfig';

function jwt(claims: object) {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
}

describe('NodeVault against the Vault imitation', () => {
  let sandbox: Sandbox;
  let dir: string;
  const made: NodeVault[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [],
      gcp: { enabled: false },
      gitlab: { enabled: false },
      oidc: { enabled: false },
      teleport: { enabled: false },
    } as Parameters<typeof startSandbox>[0]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-test-'));
  });
  afterAll(async () => {
    made.forEach(v => v.stop());
    await sandbox?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sandbox.vault!.control.clearFaults();
    await sandbox.vault!.control.setCondition({
      sealed: false,
      standby: false,
    });
    await sandbox.vault!.control.resetCounters();
  });

  function make(vault: Record<string, unknown>) {
    const config = readVaultConfig(
      new ConfigReader({
        groundcrew: {
          vault: {
            endpoint: sandbox.vault!.url,
            caData: sandbox.kubernetes.caPem,
            metadataCacheSeconds: 0,
            auth: { token: sandbox.vault!.token },
            ...vault,
          },
        },
      }),
    ) as VaultConfig;
    const v = NodeVault.create({ config, logger: mockServices.logger.mock() });
    made.push(v);
    return v;
  }

  it('reads metadata, lists folders and leases, and never asks for a value', async () => {
    const vault = make({});
    expect(await vault.kvMounts()).toEqual(['platform-secrets', 'secret']);
    expect(await vault.listSecrets('secret', 'checkout-api')).toEqual([
      'db/',
      'stripe-key',
      'webhook-secret',
    ]);
    expect(await vault.listSecrets('secret', 'nothing-here')).toEqual([]);
    const meta = await vault.secretMetadata('secret', 'ai-gateway/signing-key');
    expect(meta).toMatchObject({
      currentVersion: 3,
      customMetadata: { owner: 'team-ai', rotation_period: '30d' },
    });
    expect(meta!.versions.map(v => v.destroyed)).toEqual([true, false, false]);
    expect(
      await vault.secretMetadata('secret', 'ai-gateway/none'),
    ).toBeUndefined();
    const leases = await vault.listLeases('database/creds/checkout-api');
    expect(leases).toHaveLength(2);
    const lease = await vault.lease(leases[0]);
    expect(lease!.ttlSeconds).toBeGreaterThan(0);
    expect(
      await vault.lease('database/creds/checkout-api/gone'),
    ).toBeUndefined();
    expect(JSON.stringify([meta, leases, lease])).not.toContain(VAULT_CANARY);
    expect(await sandbox.vault!.control.dataReads()).toBe(0);
    // The interface has no way to a value: a path that tries to climb out is refused before Vault.
    await expect(
      vault.secretMetadata('secret', '../data/ai-gateway/openai-api-key'),
    ).rejects.toThrow(/not a valid Vault path/);
    // The one list the portal sends is GET ?list=1 (node-vault with noCustomHTTPVerbs).
    const routes = Object.keys(
      (await sandbox.vault!.control.counters()).routes,
    );
    expect(routes.every(r => !r.startsWith('LIST'))).toBe(true);
  });

  it('reports health without throwing for sealed and standby, and maps errors', async () => {
    const vault = make({});
    const c = sandbox.vault!.control;
    expect(await vault.health()).toMatchObject({
      sealed: false,
      standby: false,
      version: '1.17.6',
    });
    await c.setCondition({ standby: true });
    expect(await vault.health()).toMatchObject({ standby: true });
    await c.setCondition({ standby: false, sealed: true });
    expect(await vault.health()).toMatchObject({ sealed: true });
    await expect(
      vault.secretMetadata('secret', 'ai-gateway/openai-api-key'),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    await c.setCondition({ sealed: false });
    await expect(
      vault.secretMetadata('secret', 'platform/root-ca-key'),
    ).rejects.toBeInstanceOf(NotAllowedError);
    await c.injectFault({ path: 'metadata', status: 429 });
    await expect(
      vault.secretMetadata('secret', 'ai-gateway/openai-api-key'),
    ).rejects.toThrow(/rate-limiting/);
    await c.down();
    try {
      await expect(vault.health()).rejects.toThrow(/unreachable/);
      await expect(vault.listSecrets('secret', '')).rejects.toBeInstanceOf(
        ServiceUnavailableError,
      );
    } finally {
      await c.up();
    }
  });

  it('keeps metadata for a short while', async () => {
    const vault = make({ metadataCacheSeconds: 60 });
    await vault.secretMetadata('secret', 'ai-gateway/openai-api-key');
    await vault.secretMetadata('secret', 'ai-gateway/openai-api-key');
    expect(
      await sandbox.vault!.control.count('GET /v1/secret/metadata/{path+}'),
    ).toBe(1);
  });

  it('keeps listings for a short while, unless told not to', async () => {
    const vault = make({ metadataCacheSeconds: 60 });
    const count = () =>
      sandbox.vault!.control.count('GET /v1/secret/metadata/{path+}');
    const keys = ['db/', 'stripe-key', 'webhook-secret'];
    expect(await vault.listSecrets('secret', 'checkout-api')).toEqual(keys);
    expect(await vault.listSecrets('secret', 'checkout-api')).toEqual(keys);
    expect(await count()).toBe(1);
    // A reader that reads each folder once (the search collation): each call asks Vault…
    expect(
      await vault.listSecrets('secret', 'checkout-api', { cache: false }),
    ).toEqual(keys);
    expect(
      await vault.listSecrets('secret', 'search-indexer', { cache: false }),
    ).toEqual(expect.any(Array));
    expect(await count()).toBe(3);
    // …and keeps nothing: a folder first read that way is asked again.
    await vault.listSecrets('secret', 'search-indexer');
    expect(await count()).toBe(4);
  });

  it('renews its own token before it expires', async () => {
    await sandbox.vault!.control.loadVaultFixture({
      tokens: [
        {
          token: 'short-lived',
          policies: ['groundcrew-portal'],
          ttlSeconds: 2,
          renewable: true,
        },
      ],
    });
    const vault = make({ auth: { token: 'short-lived' }, renewFraction: 0.5 });
    // TTL 2 s: renewed after 1 s, and again; still valid after 3.5 s.
    await new Promise(r => setTimeout(r, 3500));
    expect(
      await sandbox.vault!.control.count('POST /v1/auth/token/renew-self'),
    ).toBeGreaterThanOrEqual(2);
    const info = await vault.tokenInfo();
    expect(info.ttlSeconds).toBeGreaterThan(0);
    expect(await vault.listSecrets('secret', 'ai-gateway')).toContain(
      'openai-api-key',
    );
  });

  it('retries its start-up when Vault was unreachable', async () => {
    const c = sandbox.vault!.control;
    await c.down();
    try {
      make({});
      await new Promise(r => setTimeout(r, 300));
    } finally {
      await c.up();
    }
    // The first retry comes a second later: the token is looked up and its renewal scheduled.
    for (let i = 0; i < 50; i++) {
      if ((await c.count('GET /v1/auth/token/lookup-self')) > 0) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(await c.count('GET /v1/auth/token/lookup-self')).toBeGreaterThan(0);
  });

  it('logs in with Kubernetes auth from the service-account token file', async () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(
      file,
      jwt({
        'kubernetes.io/serviceaccount/namespace': 'groundcrew',
        'kubernetes.io/serviceaccount/service-account.name':
          'groundcrew-portal',
      }),
    );
    const vault = make({
      auth: { type: 'kubernetes', role: 'groundcrew-portal', jwtFile: file },
    });
    expect(await vault.listSecrets('secret', 'search-indexer')).toEqual([
      'api-token',
      'elastic-password',
    ]);
    expect(
      await sandbox.vault!.control.count('POST /v1/auth/kubernetes/login'),
    ).toBe(1);
    expect((await vault.tokenInfo()).policies).toContain('groundcrew-portal');
  });

  it('refuses an invalid config, naming the key', () => {
    const read = (vault: object) => () =>
      readVaultConfig(new ConfigReader({ groundcrew: { vault } }));
    expect(read({ endpoint: 'vault', auth: { token: 't' } })).toThrow(
      /groundcrew.vault.endpoint/,
    );
    expect(read({ endpoint: 'https://v', auth: {} })).toThrow(
      /groundcrew.vault.auth.token/,
    );
    expect(
      read({ endpoint: 'https://v', auth: { type: 'kubernetes' } }),
    ).toThrow(/groundcrew.vault.auth.role/);
    expect(
      read({ endpoint: 'https://v', auth: { token: 't' }, maxConcurrency: 0 }),
    ).toThrow(/groundcrew.vault.maxConcurrency/);
    expect(
      read({ endpoint: 'https://v', caFile: '/nope', auth: { token: 't' } }),
    ).toThrow(/groundcrew.vault.caFile/);
  });
});
