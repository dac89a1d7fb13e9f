import https from 'node:https';
import vault from 'node-vault';
import { Sandbox, startSandbox } from '../sandbox';
import { VAULT_CANARY } from './demo';

type Client = ReturnType<typeof vault>;

function jwt(claims: object) {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('Vault imitation, through node-vault', () => {
  let sandbox: Sandbox;
  const client = (token?: string): Client =>
    vault({
      endpoint: sandbox.vault!.url,
      token,
      noCustomHTTPVerbs: true,
      requestOptions: { ca: sandbox.kubernetes.caPem },
    });
  let root: Client;
  let portal: Client;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [],
      gcp: { enabled: false },
      gitlab: { enabled: false },
      oidc: { enabled: false },
      teleport: { enabled: false },
    } as Parameters<typeof startSandbox>[0]);
    root = client(sandbox.vault!.rootToken);
    portal = client(sandbox.vault!.token);
  });
  afterAll(() => sandbox?.stop());
  beforeEach(async () => {
    await sandbox.vault!.control.reset();
    await sandbox.vault!.control.resetCounters();
  });

  it('answers sys/health by status code, with the query overrides', async () => {
    const c = sandbox.vault!.control;
    expect(await portal.health()).toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
    });
    const status = async (query = '') =>
      (await fetchStatus(`${sandbox.vault!.url}/v1/sys/health${query}`)).status;
    expect(await status()).toBe(200);
    await c.setCondition({ standby: true });
    expect(await status()).toBe(429);
    expect(await status('?standbyok=true')).toBe(200);
    expect(await status('?standbycode=200')).toBe(200);
    // node-vault resolves any sys/health answer with its body.
    expect(await portal.health()).toMatchObject({ standby: true });
    await c.setCondition({ standby: false, performanceStandby: true });
    expect(await status()).toBe(473);
    await c.setCondition({ performanceStandby: false, sealed: true });
    expect(await status()).toBe(503);
    expect(await status('?sealedcode=299')).toBe(299);
    expect(await portal.status()).toMatchObject({ sealed: true, t: 3 });
    await expect(portal.mounts()).rejects.toMatchObject({
      message: 'Vault is sealed',
      response: { statusCode: 503 },
    });
    await c.setCondition({ sealed: false, initialized: false });
    expect(await status()).toBe(501);
  });

  async function fetchStatus(url: string) {
    return new Promise<{ status: number }>((resolve, reject) => {
      https
        .get(url, { ca: sandbox.kubernetes.caPem }, res => {
          res.resume();
          resolve({ status: res.statusCode! });
        })
        .on('error', reject);
    });
  }

  it('lists and reads KV v2 metadata with GET ?list=1, never answering a value there', async () => {
    const keys = await portal.list('secret/metadata/checkout-api');
    expect(keys.data.keys).toEqual(['db/', 'stripe-key', 'webhook-secret']);
    const meta = await portal.read('secret/metadata/checkout-api/stripe-key');
    expect(meta.data).toMatchObject({
      current_version: 2,
      oldest_version: 1,
      custom_metadata: { owner: 'team-commerce', rotation_period: '720h' },
      max_versions: 0,
      delete_version_after: '0s',
    });
    expect(Object.keys(meta.data.versions)).toEqual(['1', '2']);
    expect(JSON.stringify(meta)).not.toContain(VAULT_CANARY);
    const destroyed = await portal.read(
      'secret/metadata/ai-gateway/signing-key',
    );
    expect(destroyed.data.versions['1'].destroyed).toBe(true);
    const counters = await sandbox.vault!.control.counters();
    expect(counters.routes['GET /v1/secret/metadata/{path+}']).toBe(3);
    expect(await sandbox.vault!.control.dataReads()).toBe(0);
  });

  it('answers 403 for a bad token and for a path the policy denies, 404 with no errors for a missing one', async () => {
    await expect(
      client('nope').read('secret/metadata/ai-gateway/openai-api-key'),
    ).rejects.toMatchObject({
      response: { statusCode: 403, body: { errors: ['permission denied'] } },
    });
    await expect(
      portal.read('secret/metadata/platform/root-ca-key'),
    ).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    // The portal's policy has no `…/data/…`: even a direct read is refused.
    await expect(
      portal.read('secret/data/ai-gateway/openai-api-key'),
    ).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    await expect(
      portal.read('secret/metadata/ai-gateway/nothing'),
    ).rejects.toMatchObject({
      response: { statusCode: 404, body: { errors: [] } },
    });
    expect(await sandbox.vault!.control.dataReads()).toBe(1);
  });

  it('writes versions, keeps custom metadata and max_versions, deletes, undeletes and destroys', async () => {
    const path = 'secret/data/team/new-secret';
    await root.write(path, { data: { value: `${VAULT_CANARY}-x` } });
    await root.write(path, { data: { value: `${VAULT_CANARY}-y` } });
    await root.write('secret/metadata/team/new-secret', {
      max_versions: 2,
      delete_version_after: '1h',
      custom_metadata: { rotation_period: '7d' },
    });
    await root.write(path, { data: { value: `${VAULT_CANARY}-z` } });
    let meta = (await root.read('secret/metadata/team/new-secret')).data;
    expect(meta).toMatchObject({
      current_version: 3,
      oldest_version: 2,
      max_versions: 2,
      delete_version_after: '3600s',
    });
    expect(meta.custom_metadata).toEqual({ rotation_period: '7d' });
    expect(meta.versions['3'].deletion_time).not.toBe('');
    await root.write('secret/delete/team/new-secret', { versions: [3] });
    await expect(root.read(path)).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
    await root.write('secret/undelete/team/new-secret', { versions: [3] });
    expect((await root.read(path)).data.data.value).toBe(`${VAULT_CANARY}-z`);
    await root.write('secret/destroy/team/new-secret', { versions: [2] });
    meta = (await root.read('secret/metadata/team/new-secret')).data;
    expect(meta.versions['2'].destroyed).toBe(true);
    await expect(root.read(`${path}?version=2`)).rejects.toMatchObject({
      response: { statusCode: 404 },
    });
    const counters = await sandbox.vault!.control.counters();
    expect(counters.routes['GET /v1/secret/data/{path+}']).toBe(3);
    expect(counters.routes['POST /v1/secret/data/{path+}']).toBe(3);
  });

  it('serves ACL policies, token self-lookup and renewal, Kubernetes login', async () => {
    const list = await root.list('sys/policies/acl');
    expect(list.data.keys).toContain('groundcrew-portal');
    const policy = await root.read('sys/policies/acl/groundcrew-portal');
    expect(policy.data.policy).toContain('secret/metadata/*');
    const self = await portal.tokenLookupSelf();
    expect(self.data.policies).toEqual(['default', 'groundcrew-portal']);
    expect(self.data.ttl).toBeGreaterThan(0);
    const renewed = await portal.tokenRenewSelf({ increment: '1h' });
    expect(renewed.auth.lease_duration).toBe(3600);

    const k8s = client();
    await expect(
      k8s.kubernetesLogin({
        mount_point: 'kubernetes',
        role: 'groundcrew-portal',
        jwt: jwt({
          'kubernetes.io/serviceaccount/namespace': 'other',
          'kubernetes.io/serviceaccount/service-account.name':
            'groundcrew-portal',
        }),
      }),
    ).rejects.toMatchObject({ response: { statusCode: 403 } });
    const login = await k8s.kubernetesLogin({
      mount_point: 'kubernetes',
      role: 'groundcrew-portal',
      jwt: jwt({
        'kubernetes.io/serviceaccount/namespace': 'groundcrew',
        'kubernetes.io/serviceaccount/service-account.name':
          'groundcrew-portal',
      }),
    });
    expect(login.auth.policies).toEqual(['default', 'groundcrew-portal']);
    // node-vault takes the new token for what follows.
    expect(
      (await k8s.read('secret/metadata/search-indexer/api-token')).data
        .current_version,
    ).toBe(1);
  });

  it('lists leases under a prefix and looks one up', async () => {
    const leases = await portal.list(
      'sys/leases/lookup/database/creds/checkout-api/',
    );
    expect(leases.data.keys).toHaveLength(2);
    const id = `database/creds/checkout-api/${leases.data.keys[0]}`;
    const lease = await portal.write('sys/leases/lookup', { lease_id: id });
    expect(lease.data).toMatchObject({ id, renewable: true });
    expect(lease.data.ttl).toBeGreaterThan(0);
    await expect(
      portal.write('sys/leases/lookup', { lease_id: 'database/creds/x/y' }),
    ).rejects.toMatchObject({
      response: { statusCode: 400, body: { errors: ['invalid lease'] } },
    });
  });

  it('injects faults in Vault error bodies, and goes down', async () => {
    const c = sandbox.vault!.control;
    await c.injectFault({
      path: '/v1/secret/metadata',
      status: 429,
      message: 'rate limited',
    });
    await expect(
      portal.read('secret/metadata/ai-gateway/openai-api-key'),
    ).rejects.toMatchObject({
      message: 'rate limited',
      response: { statusCode: 429, body: { errors: ['rate limited'] } },
    });
    await c.down();
    await expect(
      portal.read('secret/metadata/ai-gateway/openai-api-key'),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await c.up();
    expect(
      (await portal.read('secret/metadata/ai-gateway/openai-api-key')).data
        .current_version,
    ).toBe(2);
  });
});
