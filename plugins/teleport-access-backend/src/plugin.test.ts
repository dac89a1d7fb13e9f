import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  AccessRequestView,
  EntityAccessView,
} from '@groundcrew/plugin-infra-common';
import { recordingAuditor } from '@groundcrew/plugin-infra-node/testUtils';
import {
  Sandbox,
  startSandbox,
  TeleportServer,
  generateTlsMaterial,
} from '@groundcrew/sandbox';
import { teleportAccessPlugin } from './plugin';

jest.setTimeout(30_000);

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
  };
}
function user(name: string, email?: string, teleportUser?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name,
      namespace: 'default',
      annotations: teleportUser
        ? { 'groundcrew.io/teleport-user': teleportUser }
        : {},
    },
    spec: { profile: email ? { email } : {}, memberOf: [] },
  };
}

const entities = [
  component('ai-gateway', { 'groundcrew.io/runway-service': 'ai-gateway' }),
  component('checkout-api', { 'backstage.io/kubernetes-id': 'checkout-api' }),
  component('ghost', { 'groundcrew.io/teleport-role': 'ghost-write' }),
  component('nothing', {}),
  user('demo', 'demo@groundcrew.example'),
  user('casey', 'casey@groundcrew.example'),
  user('pat', 'pat@groundcrew.example'),
  // Mapped by annotation: the e-mail would say "patricia".
  user('patricia', 'patricia@groundcrew.example', 'pat'),
  user('nomail'),
];

const demo = mockCredentials.user.header('user:default/demo');
const casey = mockCredentials.user.header('user:default/casey');
const pat = mockCredentials.user.header('user:default/pat');
const patricia = mockCredentials.user.header('user:default/patricia');
const nomail = mockCredentials.user.header('user:default/nomail');

/** The Groundcrew policy's decision for `groundcrew.access.review`: the platform group. */
const platform = new Set(['user:default/pat', 'user:default/patricia']);
const permissions = mockServices.permissions.mock({
  async authorize(requests, options) {
    const ref = (
      options.credentials.principal as { userEntityRef?: string } | undefined
    )?.userEntityRef;
    return requests.map(() => ({
      result: ref && platform.has(ref) ? 'ALLOW' : 'DENY',
    })) as never;
  },
});

async function backendFor(teleport: unknown, auditor = recordingAuditor()) {
  return startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:0' },
          groundcrew: teleport ? { teleport } : {},
        } as never,
      }),
      catalogServiceMock.factory({ entities }),
      permissions.factory,
      createServiceFactory({
        service: coreServices.auditor,
        deps: {},
        factory: () => auditor,
      }),
      teleportAccessPlugin,
    ],
  });
}

describe('teleport-access backend against the Teleport imitation', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let dir: string;
  let identityFile: string;
  const auditor = recordingAuditor();

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [],
      gcp: { enabled: false },
      gitlab: { enabled: false },
      oidc: { enabled: false },
      vault: { enabled: false },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teleport-access-'));
    identityFile = path.join(dir, 'identity');
    fs.writeFileSync(identityFile, sandbox.teleport!.identityFileContent);
    backend = await backendFor(
      {
        address: sandbox.teleport!.address,
        identityFile,
        timeoutSeconds: 3,
      },
      auditor,
    );
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fs.writeFileSync(identityFile, sandbox.teleport!.identityFileContent);
    await sandbox.teleport!.control.up();
    await sandbox.teleport!.control.reset();
    auditor.events.length = 0;
  });

  const access = async (entity: string, who: string) => {
    const res = await request(backend.server)
      .get(`/api/teleport-access/access/default/component/${entity}`)
      .set('Authorization', who);
    expect(res.status).toBe(200);
    return res.body as EntityAccessView;
  };
  const create = (who: string, body: object) =>
    request(backend.server)
      .post('/api/teleport-access/requests')
      .set('Authorization', who)
      .send(body);
  const review = (who: string, id: string, body: object) =>
    request(backend.server)
      .post(`/api/teleport-access/requests/${id}/reviews`)
      .set('Authorization', who)
      .send(body);
  const ask = {
    entityRef: 'component:default/ai-gateway',
    roles: ['ai-gateway-write'],
    reason: 'restart the stuck canary',
    durationMinutes: 60,
  };
  const teleportRequests = async () =>
    (await sandbox.teleport!.control.state()).requests;

  it('shows the namespace, its role pair and what the user may do now', async () => {
    const view = await access('ai-gateway', demo);
    expect(view.teleport).toEqual({
      status: 'ok',
      clusterName: 'groundcrew-sandbox',
    });
    expect(view.user).toEqual({
      entityRef: 'user:default/demo',
      teleportUser: 'demo',
      mappedBy: 'email',
    });
    expect(view.canReview).toBe(false);
    expect(view.namespaces).toEqual([
      {
        namespace: 'ai-gateway',
        readRole: 'ai-gateway-read',
        writeRole: 'ai-gateway-write',
        requestable: true,
        maxDurationMinutes: 240,
        reasonRequired: true,
        access: 'read',
      },
    ]);
    expect(view.myRequests).toEqual([]);
    // The demo data: casey's pending request for checkout-api is pat's to review, not casey's.
    expect((await access('checkout-api', pat)).toReview).toEqual([
      expect.objectContaining({ user: 'casey', state: 'PENDING' }),
    ]);
    expect((await access('checkout-api', casey)).toReview).toEqual([]);
  });

  it('request → approve: the developer sees APPROVED and write access until the expiry; one audit event each', async () => {
    const before = Date.now();
    const created = await create(demo, ask);
    expect(created.status).toBe(201);
    const req = created.body as AccessRequestView;
    expect(req).toMatchObject({
      user: 'demo',
      state: 'PENDING',
      roles: ['ai-gateway-write'],
    });
    const expiry = Date.parse(req.accessExpiry!);
    expect(expiry).toBeGreaterThanOrEqual(before + 60 * 60_000 - 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
    expect(auditor.events).toEqual([
      expect.objectContaining({
        eventId: 'teleport-access-request-create',
        meta: expect.objectContaining({
          actor: 'user:default/demo',
          target: 'component:default/ai-gateway',
          roles: ['ai-gateway-write'],
        }),
        outcome: {
          status: 'succeeded',
          meta: { requestId: req.id, state: 'PENDING' },
        },
      }),
    ]);

    const queue = (await access('ai-gateway', pat)).toReview;
    expect(queue.map(r => [r.id, r.reason])).toEqual([[req.id, ask.reason]]);

    const approved = await review(pat, req.id, {
      state: 'APPROVED',
      reason: 'go ahead',
    });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('APPROVED');
    expect(auditor.events).toHaveLength(2);
    expect(auditor.events[1]).toEqual(
      expect.objectContaining({
        eventId: 'teleport-access-review',
        meta: expect.objectContaining({
          actor: 'user:default/pat',
          target: req.id,
          requester: 'demo',
          before: 'PENDING',
          review: 'APPROVED',
        }),
        outcome: { status: 'succeeded', meta: { after: 'APPROVED' } },
      }),
    );

    const mine = await access('ai-gateway', demo);
    expect(mine.namespaces[0]).toMatchObject({
      access: 'write',
      writeUntil: req.accessExpiry,
    });
    expect(mine.myRequests.map(r => r.state)).toEqual(['APPROVED']);
    expect((await access('ai-gateway', pat)).toReview).toEqual([]);
  });

  it('a user mapped by annotation acts as that Teleport user', async () => {
    const view = await access('ai-gateway', patricia);
    expect(view.user).toMatchObject({
      teleportUser: 'pat',
      mappedBy: 'annotation',
    });
  });

  it('403 for a reviewer without groundcrew.access.review; nothing reaches Teleport', async () => {
    const req = (await create(demo, ask)).body as AccessRequestView;
    auditor.events.length = 0;
    const res = await review(casey, req.id, {
      state: 'APPROVED',
      reason: 'lgtm',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(res.body.error.message).toMatch(/groundcrew.access.review/);
    expect(auditor.events).toEqual([]);
    expect(
      (await teleportRequests()).find(r => r.id === req.id)?.reviews,
    ).toEqual([]);
  });

  it('refuses a review of one’s own request (403), and a second review (409)', async () => {
    const own = (await create(pat, ask)).body as AccessRequestView;
    const self = await review(pat, own.id, { state: 'APPROVED', reason: 'me' });
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/own access request/);

    const other = (await create(demo, { ...ask, durationMinutes: 30 }))
      .body as AccessRequestView;
    expect(
      (await review(pat, other.id, { state: 'DENIED', reason: 'no' })).body
        .state,
    ).toBe('DENIED');
    const again = await review(pat, other.id, {
      state: 'APPROVED',
      reason: 'changed my mind',
    });
    expect(again.status).toBe(409);
    // Create own, create other, review other: three events; the refused ones wrote none.
    expect(auditor.events.map(e => e.eventId)).toEqual([
      'teleport-access-request-create',
      'teleport-access-request-create',
      'teleport-access-review',
    ]);
  });

  it('409 for a second pending request for the same role', async () => {
    expect((await create(demo, ask)).status).toBe(201);
    const twice = await create(demo, ask);
    expect(twice.status).toBe(409);
    expect(
      (await teleportRequests()).filter(r => r.user === 'demo'),
    ).toHaveLength(1);
  });

  it.each([
    ['empty reason', demo, { ...ask, reason: '  ' }, 400, /reason/],
    ['no reason', demo, { ...ask, reason: undefined }, 400, /reason/],
    [
      'duration over the maximum',
      demo,
      { ...ask, durationMinutes: 241 },
      400,
      /durationMinutes: at most 240/,
    ],
    [
      'duration zero',
      demo,
      { ...ask, durationMinutes: 0 },
      400,
      /durationMinutes/,
    ],
    [
      'duration not whole',
      demo,
      { ...ask, durationMinutes: 1.5 },
      400,
      /durationMinutes/,
    ],
    ['no roles', demo, { ...ask, roles: [] }, 400, /roles/],
    [
      'a role of another entity',
      demo,
      { ...ask, roles: ['checkout-api-write'] },
      400,
      /roles: "checkout-api-write" is not a write role/,
    ],
    ['a read role', demo, { ...ask, roles: ['ai-gateway-read'] }, 400, /roles/],
    [
      'a role Teleport does not know',
      demo,
      { ...ask, entityRef: 'component:default/ghost', roles: ['ghost-write'] },
      400,
      /Teleport has no role "ghost-write"/,
    ],
    ['no entityRef', demo, { ...ask, entityRef: undefined }, 400, /entityRef/],
    ['a bad entityRef', demo, { ...ask, entityRef: '::' }, 400, /entityRef/],
    [
      'an unknown entity',
      demo,
      { ...ask, entityRef: 'component:default/nope' },
      404,
      /not found/,
    ],
    ['a user without a Teleport user', nomail, ask, 403, /no Teleport user/],
  ])('create: %s', async (_name, who, body, status, message) => {
    const res = await create(who, body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect(auditor.events).toEqual([]);
    expect((await teleportRequests()).filter(r => r.user !== 'casey')).toEqual(
      [],
    );
  });

  it.each([
    ['a bad state', { state: 'MAYBE', reason: 'x' }, 400, /state/, null],
    ['no reason', { state: 'APPROVED', reason: '' }, 400, /reason/, null],
    [
      'an unknown request',
      { state: 'APPROVED', reason: 'x' },
      404,
      /not found/,
      'f2a0c7c8-0000-4000-8000-000000000000',
    ],
    ['a malformed id', { state: 'APPROVED', reason: 'x' }, 400, /id:/, 'a%2Fb'],
  ])('review: %s', async (_name, body, status, message, id: string | null) => {
    const target =
      id ?? ((await create(demo, ask)).body as AccessRequestView).id;
    auditor.events.length = 0;
    const res = await review(pat, target, body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect(auditor.events).toEqual([]);
  });

  it('Teleport down: the view says unreachable, a request is a 503 with nothing half-done', async () => {
    await sandbox.teleport!.control.down();
    const view = await access('ai-gateway', demo);
    expect(view.teleport.status).toBe('unreachable');
    expect(view.teleport.message).toMatch(/unreachable/);
    const res = await create(demo, ask);
    expect(res.status).toBe(503);
    expect(auditor.events).toEqual([]);
    await sandbox.teleport!.control.up();
    expect(await teleportRequests()).toHaveLength(2); // the demo's two
  });

  it('a certificate Teleport does not accept: the view says so', async () => {
    const other = new TeleportServer({
      tls: generateTlsMaterial(),
      clusterName: 'elsewhere',
    });
    fs.writeFileSync(
      identityFile,
      other.identityFile(other.issueIdentity('groundcrew-portal')),
    );
    const view = await access('ai-gateway', demo);
    expect(view.teleport.status).toBe('certificate-rejected');
    const res = await create(demo, ask);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/certificate/);
  });

  it('a failure of the create call is audited as failed', async () => {
    await sandbox.teleport!.control.injectFault({
      path: 'CreateAccessRequestV2',
      status: 403,
      message: 'access denied to perform action "create" on "access_request"',
    });
    const res = await create(demo, ask);
    expect(res.status).toBe(403);
    expect(auditor.events).toEqual([
      expect.objectContaining({
        eventId: 'teleport-access-request-create',
        outcome: {
          status: 'failed',
          error: expect.stringMatching(/access_request/),
        },
      }),
    ]);
  });

  it('without groundcrew.teleport the view says Teleport is not configured', async () => {
    const bare = await backendFor(undefined);
    try {
      const res = await request(bare.server)
        .get('/api/teleport-access/access/default/component/ai-gateway')
        .set('Authorization', demo);
      expect(res.status).toBe(200);
      expect(res.body.teleport.status).toBe('not-configured');
      const post = await request(bare.server)
        .post('/api/teleport-access/requests')
        .set('Authorization', demo)
        .send(ask);
      expect(post.status).toBe(503);
    } finally {
      await bare.stop();
    }
  });

  it('answers signed-in users only, not services', async () => {
    const res = await request(backend.server)
      .get('/api/teleport-access/access/default/component/ai-gateway')
      .set('Authorization', mockCredentials.service.header());
    expect([401, 403]).toContain(res.status);
  });
});
