import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { parseJson, HttpError, sendJson } from '../framework/http';
import type { FaultSpec } from '../framework/faults';
import { ImitationServer, ProtocolListener } from '../framework/server';
import type { TlsMaterial } from '../framework/tls';
import {
  formatIdentityFile,
  issueIdentity,
  loadOrCreateTeleportPki,
  TELEPORT_SERVER_NAME,
  TeleportIdentity,
  TeleportPki,
} from './certs';
import { TeleportError, TeleportStore } from './store';
import type {
  RequestState,
  TeleportFixture,
  WireAccessRequest,
  WireReview,
} from './types';

/**
 * Where the subset of Teleport's own .proto files lives: `proto/` of this package, a copy of
 * infra-node's (a test there checks they are equal).
 */
export const TELEPORT_PROTO_DIR = path.join(
  path.dirname(require.resolve('@groundcrew/sandbox/package.json')),
  'proto',
);

export const AUTH_SERVICE = 'proto.AuthService';

/** Teleport's version the imitation reports in Ping. */
const SERVER_VERSION = '17.0.0-groundcrew-sandbox';

export interface TeleportServerOptions {
  /** For the control listener (HTTPS, sandbox CA). */
  tls: TlsMaterial;
  clusterName?: string;
  fixture?: TeleportFixture;
  /** Where the cluster CA and the auth server's certificate are kept across restarts. */
  pkiDir?: string;
  port?: number;
  controlPort?: number;
  /** The imitation's clock (tests). */
  now?: () => number;
}

/** HTTP status of an injected fault → the gRPC code a Teleport auth server answers with. */
function grpcCode(fault: FaultSpec): grpc.status {
  const byName = fault.reason
    ? (grpc.status as unknown as Record<string, grpc.status>)[fault.reason]
    : undefined;
  if (byName !== undefined) return byName;
  switch (fault.status) {
    case 400:
      return grpc.status.INVALID_ARGUMENT;
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 404:
      return grpc.status.NOT_FOUND;
    case 409:
      return grpc.status.ALREADY_EXISTS;
    case 412:
      return grpc.status.FAILED_PRECONDITION;
    case 429:
      return grpc.status.RESOURCE_EXHAUSTED;
    case 501:
      return grpc.status.UNIMPLEMENTED;
    case 503:
      return grpc.status.UNAVAILABLE;
    case 504:
      return grpc.status.DEADLINE_EXCEEDED;
    default:
      return grpc.status.INTERNAL;
  }
}

let authService: grpc.ServiceDefinition | undefined;

function loadAuthService(): grpc.ServiceDefinition {
  if (authService) return authService;
  const definition = protoLoader.loadSync(
    'teleport/legacy/client/proto/authservice.proto',
    {
      includeDirs: [TELEPORT_PROTO_DIR],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    },
  );
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    proto: { AuthService: grpc.ServiceClientConstructor };
  };
  authService = pkg.proto.AuthService.service;
  return authService;
}

type Call =
  | grpc.ServerUnaryCall<unknown, unknown>
  | grpc.ServerWritableStream<unknown, unknown>;

/**
 * The Teleport imitation: `proto.AuthService` (access requests, roles, ping)
 * over gRPC with mutual TLS, on the shared framework (faults, counters,
 * control API, down/up). Callers are known by the common name of their client
 * certificate, which the cluster CA signed — as a Teleport auth server knows them.
 */
export class TeleportServer {
  readonly http: ImitationServer;
  readonly store: TeleportStore;
  readonly pki: TeleportPki;
  private grpcServer: grpc.Server | undefined;
  private readonly service = loadAuthService();
  /** Identities allowed to call (the portal's bot, test identities). */
  private readonly callers = new Set<string>();
  /** Calls held while the server is down in `hang` mode. */
  private readonly held = new Set<() => void>();

  constructor(options: TeleportServerOptions) {
    this.store = new TeleportStore(options.now);
    if (options.clusterName) this.store.clusterName = options.clusterName;
    this.pki = loadOrCreateTeleportPki(this.store.clusterName, options.pkiDir);
    const listener: ProtocolListener = {
      listen: port => this.listen(port),
      close: () => this.close(),
    };
    this.http = new ImitationServer({
      name: 'teleport',
      tls: options.tls,
      port: options.port,
      controlPort: options.controlPort,
      listener,
      onReset: () => this.store.reset(),
      onFixture: body => this.onFixture(body),
    });
    this.store.setFixture(options.fixture ?? {});
    this.installControlRoutes();
  }

  /** `127.0.0.1:<port>`: the auth server address a client dials. */
  get address(): string {
    return `127.0.0.1:${this.http.port}`;
  }
  get controlUrl(): string {
    return this.http.controlUrl;
  }
  /** The name on the auth server's certificate, which clients set as the TLS server name. */
  get serverName(): string {
    return TELEPORT_SERVER_NAME;
  }

  /** Signs a client identity and lets it call (what `tctl auth sign` does for a bot). */
  issueIdentity(
    user: string,
    opts: { roles?: string[]; validForMs?: number } = {},
  ): TeleportIdentity {
    this.callers.add(user);
    return issueIdentity(this.pki, user, opts.roles ?? [], opts);
  }

  /** The identity as `tctl auth sign --format=file` writes it. */
  identityFile(identity: TeleportIdentity): string {
    return formatIdentityFile(identity, this.store.clusterName);
  }

  async start(): Promise<void> {
    await this.http.start();
  }

  async stop(): Promise<void> {
    await this.http.stop();
  }

  private async listen(port: number): Promise<number> {
    const server = new grpc.Server();
    server.addService(this.service, this.handlers());
    const credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(this.pki.caPem),
      [
        {
          private_key: Buffer.from(this.pki.serverKeyPem),
          cert_chain: Buffer.from(this.pki.serverCertPem),
        },
      ],
      true,
    );
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, credentials, (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    this.grpcServer = server;
    return bound;
  }

  private async close(): Promise<void> {
    for (const release of this.held) release();
    this.held.clear();
    const server = this.grpcServer;
    this.grpcServer = undefined;
    server?.forceShutdown();
  }

  private caller(call: Call): string {
    const cert = call.getAuthContext?.()?.sslPeerCertificate;
    const cn = cert?.subject?.CN;
    const user = Array.isArray(cn) ? cn[0] : cn;
    if (!user || !this.callers.has(user)) {
      throw new TeleportError(
        grpc.status.PERMISSION_DENIED,
        `access denied to identity "${user ?? ''}"`,
      );
    }
    return user;
  }

  /**
   * Counts the call, holds it while the server hangs, applies an injected
   * fault; resolves to false when the call was answered already.
   */
  private async admit(
    method: string,
    mutation: boolean,
    fail: (err: Partial<grpc.StatusObject>) => void,
  ): Promise<boolean> {
    const callPath = `/${AUTH_SERVICE}/${method}`;
    if (this.http.currentDownMode === 'hang') {
      await new Promise<void>(resolve => this.held.add(resolve));
      fail({ code: grpc.status.UNAVAILABLE, details: 'server went away' });
      return false;
    }
    const fault = this.http.countCall({
      routeKey: callPath,
      mutation,
      method: 'POST',
      path: callPath,
    });
    if (fault?.delayMs) {
      await new Promise(resolve => setTimeout(resolve, fault.delayMs));
    }
    if (fault?.status) {
      fail({
        code: grpcCode(fault),
        details: fault.message ?? `injected fault (${fault.status})`,
      });
      return false;
    }
    return true;
  }

  private handlers(): grpc.UntypedServiceImplementation {
    // Each handler names the request message it reads (proto-loader's `keepCase` shape).
    const unary =
      <Req>(
        method: string,
        mutation: boolean,
        run: (request: Req, caller: string, call: Call) => unknown,
      ) =>
      (
        call: grpc.ServerUnaryCall<Req, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        const fail = (e: Partial<grpc.StatusObject>) => callback(e, null);
        this.admit(method, mutation, fail)
          .then(admitted => {
            if (!admitted) return;
            try {
              callback(null, run(call.request, this.caller(call), call));
            } catch (e) {
              fail(toStatus(e));
            }
          })
          .catch(e => fail(toStatus(e)));
      };

    return {
      Ping: unary('Ping', false, (_req, _caller, call) => ({
        ClusterName: this.store.clusterName,
        ServerVersion: SERVER_VERSION,
        ProxyPublicAddr: '',
        IsBoring: false,
        RemoteAddr: call.getPeer(),
      })),
      GetRole: unary('GetRole', false, (req: { Name?: string }) =>
        this.store.getRole(req.Name ?? ''),
      ),
      CreateAccessRequestV2: unary(
        'CreateAccessRequestV2',
        true,
        (req: WireAccessRequest) => this.store.createRequest(req),
      ),
      SubmitAccessReview: unary(
        'SubmitAccessReview',
        true,
        (req: { RequestID?: string; Review?: WireReview }) =>
          this.store.review(req.RequestID ?? '', req.Review ?? {}),
      ),
      SetAccessRequestState: unary(
        'SetAccessRequestState',
        true,
        (req: {
          ID?: string;
          State?: RequestState;
          Delegator?: string;
          Reason?: string;
        }) => {
          this.store.setState(req);
          return {};
        },
      ),
      GetAccessRequestsV2: (
        call: grpc.ServerWritableStream<Record<string, string>, unknown>,
      ) => {
        const fail = (e: Partial<grpc.StatusObject>) =>
          call.destroy(toError(e));
        this.admit('GetAccessRequestsV2', false, fail)
          .then(admitted => {
            if (!admitted) return;
            try {
              this.caller(call);
              for (const r of this.store.listRequests(call.request)) {
                call.write(r);
              }
              call.end();
            } catch (e) {
              fail(toStatus(e));
            }
          })
          .catch(e => fail(toStatus(e)));
      },
    };
  }

  private async onFixture(body: unknown) {
    const b = (body ?? {}) as { fixture?: TeleportFixture; replace?: boolean };
    if (!b.fixture || typeof b.fixture !== 'object') {
      throw new HttpError(400, {
        message: 'body must be { fixture, replace? }',
      });
    }
    try {
      if (b.replace) this.store.setFixture(b.fixture);
      else this.store.load(b.fixture);
    } catch (e) {
      throw new HttpError(400, { message: (e as Error).message });
    }
    return { ok: true };
  }

  private installControlRoutes() {
    this.http.addControlRoute('GET', '/_sandbox/teleport/state', ctx =>
      sendJson(ctx.res, 200, this.store.snapshot()),
    );
    this.http.addControlRoute('POST', '/_sandbox/teleport/clock', async ctx => {
      const body = (parseJson(await ctx.body()) ?? {}) as {
        advanceMs?: number;
      };
      if (typeof body.advanceMs !== 'number' || !(body.advanceMs >= 0)) {
        throw new HttpError(400, { message: 'advanceMs must be a number ≥ 0' });
      }
      this.store.advanceClock(body.advanceMs);
      sendJson(ctx.res, 200, { now: new Date(this.store.now()).toISOString() });
    });
    this.http.addControlRoute(
      'POST',
      '/_sandbox/teleport/identities',
      async ctx => {
        const body = (parseJson(await ctx.body()) ?? {}) as {
          user?: string;
          roles?: string[];
          validForMs?: number;
        };
        if (!body.user || typeof body.user !== 'string') {
          throw new HttpError(400, { message: 'user is required' });
        }
        const identity = this.issueIdentity(body.user, body);
        sendJson(ctx.res, 200, { identityFile: this.identityFile(identity) });
      },
    );
  }
}

function toStatus(e: unknown): Partial<grpc.StatusObject> {
  if (e instanceof TeleportError) return { code: e.code, details: e.message };
  return {
    code: grpc.status.INTERNAL,
    details: `internal error: ${(e as Error)?.message ?? e}`,
  };
}

function toError(s: Partial<grpc.StatusObject>): Error {
  return Object.assign(new Error(s.details), {
    code: s.code,
    details: s.details,
  });
}
