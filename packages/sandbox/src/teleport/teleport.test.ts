import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { generateTlsMaterial } from '../framework/tls';
import { TeleportControl } from './control';
import { teleportDemoFixture } from './demo';
import { TeleportServer, TELEPORT_PROTO_DIR } from './server';

const HOUR = 3_600_000;

/** A bare gRPC client of the imitation (the real one lives in infra-node). */
function rawClient(server: TeleportServer, identityFile: string) {
  const pems = identityFile.match(
    /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g,
  )!;
  const definition = protoLoader.loadSync(
    'teleport/legacy/client/proto/authservice.proto',
    {
      includeDirs: [TELEPORT_PROTO_DIR],
      keepCase: true,
      longs: String,
      enums: String,
    },
  );
  const { proto } = grpc.loadPackageDefinition(definition) as unknown as {
    proto: { AuthService: grpc.ServiceClientConstructor };
  };
  return new proto.AuthService(
    server.address,
    grpc.credentials.createSsl(
      Buffer.from(pems.slice(2).join('\n')),
      Buffer.from(pems[0]),
      Buffer.from(pems[1]),
    ),
    { 'grpc.ssl_target_name_override': server.serverName },
  );
}

type AuthClient = InstanceType<grpc.ServiceClientConstructor>;

/** The part of `proto.PingResponse` read here. */
interface PingResponse {
  ClusterName: string;
}

const ping = (client: AuthClient, timeoutMs = 2000) =>
  new Promise<PingResponse>((resolve, reject) =>
    client.Ping(
      {},
      { deadline: Date.now() + timeoutMs },
      (e: grpc.ServiceError | null, r: PingResponse) =>
        e ? reject(e) : resolve(r),
    ),
  );

describe('Teleport imitation: control API', () => {
  const tls = generateTlsMaterial();
  let server: TeleportServer;
  let control: TeleportControl;

  beforeAll(async () => {
    server = new TeleportServer({ tls, fixture: teleportDemoFixture() });
    await server.start();
    control = new TeleportControl({ url: server.controlUrl, caPem: tls.caPem });
  });
  afterAll(() => server.stop());
  beforeEach(() => control.reset());

  it('shows the demo state: a pending and an approved request of casey', async () => {
    const state = await control.state();
    expect(state.users.pat).toContain('platform-reviewer');
    expect(
      state.requests.map(r => [r.user, r.roles[0], r.state]).sort(),
    ).toEqual([
      ['casey', 'checkout-api-write', 'PENDING'],
      ['casey', 'search-indexer-write', 'APPROVED'],
    ]);
  });

  it('moves the clock: requests go away at their access expiry', async () => {
    await control.advanceClock(2 * HOUR + 60_000);
    expect((await control.state()).requests.map(r => r.roles[0])).toEqual([
      'search-indexer-write',
    ]);
    await control.advanceClock(HOUR);
    expect((await control.state()).requests).toEqual([]);
    await control.reset();
    expect((await control.state()).requests).toHaveLength(2);
  });

  it('issues identities that may call, in the identity-file layout', async () => {
    const file = await control.issueIdentity({ user: 'ci-bot' });
    const lines = file.split('\n');
    expect(lines[0]).toMatch(/^-----BEGIN (RSA )?PRIVATE KEY-----$/);
    expect(file).toMatch(
      /\nssh-rsa-cert-v01@openssh\.com \S+\n-----BEGIN CERTIFICATE-----/,
    );
    expect(file).toMatch(
      /\n@cert-authority \S+ ssh-rsa \S+ type=host\n-----BEGIN CERTIFICATE-----/,
    );
    const client = rawClient(server, file);
    const pong = await ping(client);
    expect(pong.ClusterName).toBe('groundcrew-sandbox');
    client.close();
  });

  it('loads a fixture and refuses a bad one', async () => {
    await control.loadTeleportFixture({
      users: [{ name: 'riley', roles: [] }],
    });
    expect(Object.keys((await control.state()).users)).toContain('riley');
    await expect(
      control.loadTeleportFixture({ roles: [{} as never] }),
    ).rejects.toThrow(/name/);
  });

  it('holds calls while down in hang mode (the client’s deadline ends them)', async () => {
    const client = rawClient(
      server,
      await control.issueIdentity({ user: 'ci-bot' }),
    );
    await ping(client);
    await control.down({ mode: 'hang' });
    await expect(ping(client, 500)).rejects.toMatchObject({
      code: grpc.status.DEADLINE_EXCEEDED,
    });
    await control.up();
    await expect(ping(client)).resolves.toBeDefined();
    client.close();
  });
});
