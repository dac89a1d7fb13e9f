import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  generateTlsMaterial,
  namespaceRoles,
  teleportDemoFixture,
  TeleportServer,
  TELEPORT_PROTO_DIR,
} from '@groundcrew/sandbox';
import { parseIdentityFile } from './identityFile';
import { TeleportClient } from './TeleportClient';
import { TeleportError } from './types';

const HOUR = 60 * 60 * 1000;

describe('TeleportClient against the Teleport imitation (gRPC, mutual TLS)', () => {
  let server: TeleportServer;
  let other: TeleportServer;
  let dir: string;
  let identityPath: string;
  let goodIdentity: string;
  let client: TeleportClient;

  const newClient = (timeoutMs = 5000, file = identityPath) =>
    TeleportClient.create({
      config: {
        address: server.address,
        credentials: { type: 'identityFile', path: file },
        serverName: 'teleport.cluster.local',
        timeoutMs,
      },
      logger: mockServices.logger.mock(),
    });

  const failure = async (p: Promise<unknown>): Promise<TeleportError> => {
    const e = await p.then(
      () => undefined,
      err => err,
    );
    expect(e).toBeInstanceOf(TeleportError);
    return e as TeleportError;
  };

  beforeAll(async () => {
    const tls = generateTlsMaterial();
    const fixture = teleportDemoFixture();
    server = new TeleportServer({
      tls,
      fixture: {
        ...fixture,
        // A namespace whose write role needs two approvals.
        roles: [
          ...(fixture.roles ?? []),
          ...namespaceRoles('payments', { approvals: 2 }),
        ],
        users: [
          ...(fixture.users ?? []).map(u => ({
            ...u,
            roles: [...u.roles, 'payments-read'],
          })),
          { name: 'riley', roles: ['payments-read', 'platform-reviewer'] },
        ],
      },
    });
    // Another cluster, with its own CA: its identities are foreign to `server`.
    other = new TeleportServer({ tls, clusterName: 'elsewhere' });
    await server.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teleport-client-'));
    identityPath = path.join(dir, 'identity');
    goodIdentity = server.identityFile(
      server.issueIdentity('groundcrew-portal'),
    );
    fs.writeFileSync(identityPath, goodIdentity);
    client = newClient();
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fs.writeFileSync(identityPath, goodIdentity);
    server.store.reset();
    server.http.clearFaults();
    if (server.http.isDown) await server.http.up();
  });

  it('pings the auth server over mutual TLS with the name teleport.cluster.local', async () => {
    await expect(client.ping()).resolves.toEqual({
      clusterName: 'groundcrew-sandbox',
      serverVersion: expect.stringContaining('17.'),
    });
  });

  it('reads a role with its request rule; durations are int64 nanoseconds on the wire', async () => {
    const read = await client.getRole('ai-gateway-read');
    expect(read.requestAccess).toBe('reason');
    expect(read.request).toEqual({
      roles: ['ai-gateway-write'],
      maxDurationMs: 4 * HOUR,
      thresholds: [{ name: 'platform', approve: 1, deny: 1 }],
      suggestedReviewers: ['pat'],
    });
    const write = await client.getRole('ai-gateway-write');
    expect(write.maxSessionTtlMs).toBe(4 * HOUR);
    expect((await client.getRole('platform-reviewer')).reviewRoles).toEqual([
      '*-write',
    ]);
    expect((await failure(client.getRole('nope'))).reason).toBe('not-found');
  });

  it('goes PENDING → APPROVED with one approval; the access expiry is the requested timestamp', async () => {
    const expiry = new Date(Date.now() + 2 * HOUR);
    const created = await client.createAccessRequest({
      user: 'demo',
      roles: ['ai-gateway-write'],
      reason: 'restart a stuck pod',
      accessExpiry: expiry,
    });
    expect(created.state).toBe('PENDING');
    expect(created.user).toBe('demo');
    expect(
      Math.abs(created.accessExpiry!.getTime() - expiry.getTime()),
    ).toBeLessThan(1000);
    expect(created.thresholds).toEqual([
      { name: 'platform', approve: 1, deny: 1 },
    ]);

    const listed = await client.listAccessRequests({ user: 'demo' });
    expect(listed.map(r => [r.id, r.state])).toEqual([[created.id, 'PENDING']]);

    const reviewed = await client.submitAccessReview({
      requestId: created.id,
      author: 'pat',
      state: 'APPROVED',
      reason: 'go ahead',
    });
    expect(reviewed.state).toBe('APPROVED');
    expect(reviewed.resolveReason).toBe('go ahead');
    expect(reviewed.reviews).toEqual([
      expect.objectContaining({
        author: 'pat',
        state: 'APPROVED',
        reason: 'go ahead',
      }),
    ]);
    const [after] = await client.listAccessRequests({ id: created.id });
    expect(after.state).toBe('APPROVED');
    // A resolved request takes no more reviews.
    const again = await failure(
      client.submitAccessReview({
        requestId: created.id,
        author: 'riley',
        state: 'DENIED',
        reason: 'late',
      }),
    );
    expect(again.reason).toBe('failed-precondition');
  });

  it('an administrator resolves a request with SetAccessRequestState, not on behalf of the requester', async () => {
    const r = await client.createAccessRequest({
      user: 'demo',
      roles: ['search-indexer-write'],
      reason: 'reindex',
      accessExpiry: new Date(Date.now() + HOUR),
    });
    const own = await failure(
      client.setAccessRequestState({
        id: r.id,
        state: 'APPROVED',
        delegator: 'demo',
      }),
    );
    expect(own.reason).toBe('permission-denied');
    await client.setAccessRequestState({
      id: r.id,
      state: 'DENIED',
      delegator: 'pat',
      reason: 'freeze week',
    });
    const [after] = await client.listAccessRequests({ id: r.id });
    expect([after.state, after.resolveReason]).toEqual([
      'DENIED',
      'freeze week',
    ]);
  });

  it('a denial reaching the threshold makes the request DENIED', async () => {
    const r = await client.createAccessRequest({
      user: 'demo',
      roles: ['checkout-api-write'],
      reason: 'hotfix',
      accessExpiry: new Date(Date.now() + HOUR),
    });
    const denied = await client.submitAccessReview({
      requestId: r.id,
      author: 'pat',
      state: 'DENIED',
      reason: 'use the pipeline',
    });
    expect(denied.state).toBe('DENIED');
  });

  it('stays PENDING until the second approval when the role needs two', async () => {
    const r = await client.createAccessRequest({
      user: 'demo',
      roles: ['payments-write'],
      reason: 'rotate keys',
      accessExpiry: new Date(Date.now() + HOUR),
    });
    const first = await client.submitAccessReview({
      requestId: r.id,
      author: 'pat',
      state: 'APPROVED',
      reason: 'ok',
    });
    expect(first.state).toBe('PENDING');
    // The same reviewer cannot count twice.
    const twice = await failure(
      client.submitAccessReview({
        requestId: r.id,
        author: 'pat',
        state: 'APPROVED',
        reason: 'ok again',
      }),
    );
    expect(twice.reason).toBe('already-exists');
    const second = await client.submitAccessReview({
      requestId: r.id,
      author: 'riley',
      state: 'APPROVED',
      reason: 'ok too',
    });
    expect(second.state).toBe('APPROVED');
  });

  it('refuses a review of one’s own request, and a review by a user without the reviewer role', async () => {
    const r = await client.createAccessRequest({
      user: 'pat',
      roles: ['ai-gateway-write'],
      reason: 'debug',
      accessExpiry: new Date(Date.now() + HOUR),
    });
    const self = await failure(
      client.submitAccessReview({
        requestId: r.id,
        author: 'pat',
        state: 'APPROVED',
        reason: 'me',
      }),
    );
    expect(self.reason).toBe('permission-denied');
    expect(self.message).toMatch(/own access request/);
    const notReviewer = await failure(
      client.submitAccessReview({
        requestId: r.id,
        author: 'casey',
        state: 'APPROVED',
        reason: 'sure',
      }),
    );
    expect(notReviewer.reason).toBe('permission-denied');
    const [still] = await client.listAccessRequests({ id: r.id });
    expect(still.state).toBe('PENDING');
    expect(still.reviews).toEqual([]);
  });

  it('refuses bad requests: over the maximum duration, unknown role, role not requestable, no reason', async () => {
    const base = {
      user: 'demo',
      roles: ['ai-gateway-write'],
      reason: 'x',
      accessExpiry: new Date(Date.now() + HOUR),
    };
    expect(
      (
        await failure(
          client.createAccessRequest({
            ...base,
            accessExpiry: new Date(Date.now() + 5 * HOUR),
          }),
        )
      ).reason,
    ).toBe('invalid-argument');
    expect(
      (
        await failure(
          client.createAccessRequest({ ...base, roles: ['ghost-write'] }),
        )
      ).reason,
    ).toBe('not-found');
    expect(
      (
        await failure(
          client.createAccessRequest({ ...base, roles: ['platform-reviewer'] }),
        )
      ).reason,
    ).toBe('permission-denied');
    expect(
      (await failure(client.createAccessRequest({ ...base, reason: ' ' })))
        .reason,
    ).toBe('invalid-argument');
    expect(await client.listAccessRequests({ user: 'demo' })).toEqual([]);
  });

  it('a request goes away at its access expiry', async () => {
    const r = await client.createAccessRequest({
      user: 'demo',
      roles: ['ai-gateway-write'],
      reason: 'short',
      accessExpiry: new Date(Date.now() + HOUR),
    });
    await client.submitAccessReview({
      requestId: r.id,
      author: 'pat',
      state: 'APPROVED',
      reason: 'ok',
    });
    server.store.advanceClock(HOUR - 60_000);
    expect((await client.listAccessRequests({ id: r.id })).length).toBe(1);
    server.store.advanceClock(2 * 60_000);
    expect(await client.listAccessRequests({ id: r.id })).toEqual([]);
    const gone = await failure(
      client.submitAccessReview({
        requestId: r.id,
        author: 'riley',
        state: 'APPROVED',
        reason: 'late',
      }),
    );
    expect(gone.reason).toBe('not-found');
  });

  it('counts reads and mutations per method', async () => {
    server.http.resetCounters();
    await client.listAccessRequests();
    await client.getRole('ai-gateway-read');
    await client.createAccessRequest({
      user: 'demo',
      roles: ['ai-gateway-write'],
      reason: 'count',
      accessExpiry: new Date(Date.now() + HOUR),
    });
    const c = server.http.counterSnapshot();
    expect(c.reads).toBe(2);
    expect(c.mutations).toBe(1);
    expect(c.routes['/proto.AuthService/CreateAccessRequestV2']).toBe(1);
  });

  it('maps injected faults to gRPC codes, and a slow server to a timeout', async () => {
    server.http.injectFault({
      path: 'CreateAccessRequestV2',
      status: 403,
      message: 'access denied to perform action "create" on "access_request"',
    });
    const denied = await failure(
      client.createAccessRequest({
        user: 'demo',
        roles: ['ai-gateway-write'],
        reason: 'x',
        accessExpiry: new Date(Date.now() + HOUR),
      }),
    );
    expect(denied.reason).toBe('permission-denied');
    expect(denied.message).toMatch(/access_request/);

    server.http.injectFault({
      path: 'Ping',
      status: 503,
      message: 'auth is starting',
    });
    const unavailable = await failure(client.ping());
    expect(unavailable.reason).toBe('unreachable');
    expect(unavailable.message).toMatch(/auth is starting/);

    const quick = newClient(300);
    server.http.injectFault({ path: 'Ping', delayMs: 1500 });
    const slow = await failure(quick.ping());
    expect(slow.reason).toBe('timeout');
    quick.close();
  });

  it('says unreachable when the server is down, and recovers when it is back', async () => {
    await server.http.down('refuse');
    const down = await failure(client.ping());
    expect(down.reason).toBe('unreachable');
    expect(down.message).toMatch(/unreachable/);
    await server.http.up();
    // The channel reconnects by itself after its back-off.
    const deadline = Date.now() + 10_000;
    let pong: unknown;
    while (!pong && Date.now() < deadline) {
      pong = await client.ping().catch(() => undefined);
      if (!pong) await new Promise(r => setTimeout(r, 250));
    }
    expect(pong).toBeDefined();
  });

  it('says the certificate was rejected for an identity of another cluster, and re-reads the file when it changes', async () => {
    const foreign = other.identityFile(
      other.issueIdentity('groundcrew-portal'),
    );
    // The foreign file trusts the other cluster's CA only: both sides refuse.
    fs.writeFileSync(identityPath, foreign);
    const rejected = await failure(client.ping());
    expect(rejected.reason).toBe('certificate-rejected');

    // Our CA, but a client certificate signed by another CA: the server refuses it.
    const f = parseIdentityFile(foreign);
    const mixed = [f.keyPem, f.certPem, server.pki.caPem].join('\n');
    fs.writeFileSync(identityPath, mixed);
    const refusedByServer = await failure(client.ping());
    expect(refusedByServer.reason).toBe('certificate-rejected');
    expect(refusedByServer.message).toMatch(/handshake/);

    fs.writeFileSync(identityPath, goodIdentity);
    await expect(client.ping()).resolves.toBeDefined();
  });

  it('refuses a certificate of the right CA for an identity the cluster does not know', async () => {
    const stranger = path.join(dir, 'stranger');
    const { issueIdentity } = jest.requireActual(
      '@groundcrew/sandbox/src/teleport/certs',
    );
    fs.writeFileSync(
      stranger,
      server.identityFile(issueIdentity(server.pki, 'mallory')),
    );
    const c = newClient(5000, stranger);
    expect((await failure(c.ping())).reason).toBe('permission-denied');
    c.close();
  });

  it('works with certificate, key and CA files instead of an identity file', async () => {
    const identity = server.issueIdentity('groundcrew-portal');
    const files = ['cert', 'key', 'ca'].map(n => path.join(dir, n));
    fs.writeFileSync(files[0], identity.certPem);
    fs.writeFileSync(files[1], identity.keyPem);
    fs.writeFileSync(files[2], identity.caPem);
    const c = TeleportClient.create({
      config: {
        address: server.address,
        credentials: {
          type: 'files',
          certFile: files[0],
          keyFile: files[1],
          caFile: files[2],
        },
        serverName: 'teleport.cluster.local',
        timeoutMs: 5000,
      },
      logger: mockServices.logger.mock(),
    });
    await expect(c.ping()).resolves.toBeDefined();
    c.close();
  });

  it('is not configured without groundcrew.teleport', async () => {
    const c = TeleportClient.create({
      config: undefined,
      logger: mockServices.logger.mock(),
    });
    expect(c.configured).toBe(false);
    expect((await failure(c.ping())).reason).toBe('not-configured');
  });

  it('ships the same .proto files as the imitation serves', () => {
    const ours = path.resolve(__dirname, '../../proto/teleport');
    const theirs = path.join(TELEPORT_PROTO_DIR, 'teleport');
    for (const rel of [
      'legacy/types/types.proto',
      'legacy/client/proto/authservice.proto',
    ]) {
      expect(fs.readFileSync(path.join(ours, rel), 'utf8')).toBe(
        fs.readFileSync(path.join(theirs, rel), 'utf8'),
      );
    }
  });
});
