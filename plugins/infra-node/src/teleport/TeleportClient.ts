import fs from 'node:fs';
import tls from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import {
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { parseIdentityFile, TeleportTlsIdentity } from './identityFile';
import type { TeleportConfig } from './teleportConfig';
import {
  TeleportAccessRequest,
  TeleportError,
  TeleportErrorReason,
  TeleportRequestState,
  TeleportRole,
  TeleportService,
} from './types';

const NS_PER_MS = 1_000_000;

interface WireTimestamp {
  seconds?: string | number;
  nanos?: number;
}
type Wire = Record<string, any>;

/** The directory of Teleport's .proto subset, shipped in the package (`files`). */
function protoDir(): string {
  return resolvePackagePath('@groundcrew/plugin-infra-node', 'proto');
}

/**
 * gRPC and the proto loader (≈ 20 MB) are loaded when a Teleport client is made, not when this
 * package is imported: a backend without Teleport does not pay for them.
 */
const grpcJs = (): typeof grpc =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@grpc/grpc-js');
const protoLoader = (): typeof ProtoLoader =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@grpc/proto-loader');

let authServiceCtor: grpc.ServiceClientConstructor | undefined;
function authService(): grpc.ServiceClientConstructor {
  if (!authServiceCtor) {
    const definition = protoLoader().loadSync(
      'teleport/legacy/client/proto/authservice.proto',
      {
        includeDirs: [protoDir()],
        keepCase: true,
        longs: String,
        enums: String,
        defaults: true,
        oneofs: true,
      },
    );
    const pkg = grpcJs().loadPackageDefinition(definition) as unknown as {
      proto: { AuthService: grpc.ServiceClientConstructor };
    };
    authServiceCtor = pkg.proto.AuthService;
  }
  return authServiceCtor;
}

function toDate(t: WireTimestamp | null | undefined): Date | undefined {
  if (!t) return undefined;
  const ms =
    Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / NS_PER_MS);
  return ms > 0 ? new Date(ms) : undefined;
}

function toTimestamp(d: Date): WireTimestamp {
  const ms = d.getTime();
  return {
    seconds: String(Math.floor(ms / 1000)),
    nanos: (ms % 1000) * NS_PER_MS,
  };
}

function thresholdsOf(list: Wire[] | undefined) {
  return (list ?? []).map(t => ({
    name: String(t.Name ?? ''),
    approve: Number(t.Approve ?? 0),
    deny: Number(t.Deny ?? 0),
  }));
}

function requestOf(w: Wire): TeleportAccessRequest {
  const spec: Wire = w.Spec ?? {};
  return {
    id: String(w.Metadata?.Name ?? ''),
    user: String(spec.User ?? ''),
    roles: [...(spec.Roles ?? [])],
    state: (spec.State ?? 'NONE') as TeleportRequestState,
    created: toDate(spec.Created),
    accessExpiry: toDate(spec.Expires) ?? toDate(spec.MaxDuration),
    reason: String(spec.RequestReason ?? ''),
    resolveReason: String(spec.ResolveReason ?? ''),
    reviews: (spec.Reviews ?? []).map((r: Wire) => ({
      author: String(r.Author ?? ''),
      state: (r.ProposedState ?? 'NONE') as TeleportRequestState,
      reason: String(r.Reason ?? ''),
      created: toDate(r.Created),
    })),
    thresholds: thresholdsOf(spec.Thresholds),
    suggestedReviewers: [...(spec.SuggestedReviewers ?? [])],
  };
}

function roleOf(w: Wire): TeleportRole {
  const spec: Wire = w.Spec ?? {};
  const allow: Wire = spec.Allow ?? {};
  const request: Wire | undefined = allow.Request ?? undefined;
  return {
    name: String(w.Metadata?.Name ?? ''),
    description: String(w.Metadata?.Description ?? ''),
    maxSessionTtlMs: Number(spec.Options?.MaxSessionTTL ?? 0) / NS_PER_MS,
    requestAccess: String(spec.Options?.RequestAccess ?? ''),
    request: request
      ? {
          roles: [...(request.Roles ?? [])],
          maxDurationMs: Number(request.MaxDuration ?? 0) / NS_PER_MS,
          thresholds: thresholdsOf(request.Thresholds),
          suggestedReviewers: [...(request.SuggestedReviewers ?? [])],
        }
      : undefined,
    reviewRoles: [...(allow.ReviewRequests?.Roles ?? [])],
  };
}

function reasonOf(code: grpc.status): TeleportErrorReason {
  const { status } = grpcJs();
  const reasons: Partial<Record<grpc.status, TeleportErrorReason>> = {
    [status.PERMISSION_DENIED]: 'permission-denied',
    [status.UNAUTHENTICATED]: 'certificate-rejected',
    [status.NOT_FOUND]: 'not-found',
    [status.INVALID_ARGUMENT]: 'invalid-argument',
    [status.ALREADY_EXISTS]: 'already-exists',
    [status.FAILED_PRECONDITION]: 'failed-precondition',
    [status.DEADLINE_EXCEEDED]: 'timeout',
    [status.UNAVAILABLE]: 'unreachable',
  };
  return reasons[code] ?? 'internal';
}

/** Alerts and errors of a TLS handshake that mean a certificate was not accepted (either way). */
const CERTIFICATE_FAILURE =
  /alert|certificate|cert_|unknown ca|self.signed|UNABLE_TO_VERIFY|ERR_TLS_CERT|handshake/i;

interface LoadedCredentials {
  stamp: string;
  identity: TeleportTlsIdentity;
  client: grpc.Client;
}

/**
 * A client of Teleport's auth server over `@grpc/grpc-js`, with the subset of
 * Teleport's own .proto: mutual TLS from an identity file (or cert/key/CA
 * files), re-read when the files change, the TLS server name
 * `teleport.cluster.local`, and a deadline on every call. A failure is a
 * {@link TeleportError} whose reason tells an unreachable server from a
 * rejected certificate.
 *
 * @public
 */
export class TeleportClient implements TeleportService {
  private loaded: LoadedCredentials | undefined;

  static create(options: {
    config: TeleportConfig | undefined;
    logger: LoggerService;
  }): TeleportClient {
    return new TeleportClient(options.config, options.logger);
  }

  private constructor(
    private readonly config: TeleportConfig | undefined,
    private readonly logger: LoggerService,
  ) {}

  get configured(): boolean {
    return this.config !== undefined;
  }

  get address(): string | undefined {
    return this.config?.address;
  }

  async ping() {
    const r = await this.unary('Ping', {});
    return {
      clusterName: String(r.ClusterName ?? ''),
      serverVersion: String(r.ServerVersion ?? ''),
    };
  }

  async getRole(name: string): Promise<TeleportRole> {
    return roleOf(await this.unary('GetRole', { Name: name }));
  }

  async listAccessRequests(
    filter: { id?: string; user?: string; state?: TeleportRequestState } = {},
  ): Promise<TeleportAccessRequest[]> {
    const { client, config } = await this.connection();
    const items: Wire[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = (client as any).GetAccessRequestsV2(
          {
            ID: filter.id ?? '',
            User: filter.user ?? '',
            State: filter.state ?? 'NONE',
          },
          { deadline: Date.now() + config.timeoutMs },
        ) as grpc.ClientReadableStream<Wire>;
        stream.on('data', (item: Wire) => items.push(item));
        stream.on('error', reject);
        stream.on('end', () => resolve());
      });
    } catch (e) {
      throw await this.failure('GetAccessRequestsV2', e);
    }
    return items.map(requestOf);
  }

  async createAccessRequest(request: {
    user: string;
    roles: string[];
    reason: string;
    accessExpiry: Date;
    dryRun?: boolean;
  }): Promise<TeleportAccessRequest> {
    const r = await this.unary('CreateAccessRequestV2', {
      Kind: 'access_request',
      Version: 'v3',
      Metadata: { Name: '' },
      Spec: {
        User: request.user,
        Roles: request.roles,
        State: 'PENDING',
        RequestReason: request.reason,
        MaxDuration: toTimestamp(request.accessExpiry),
        DryRun: request.dryRun ?? false,
      },
    });
    return requestOf(r);
  }

  async submitAccessReview(review: {
    requestId: string;
    author: string;
    state: 'APPROVED' | 'DENIED';
    reason: string;
  }): Promise<TeleportAccessRequest> {
    const r = await this.unary('SubmitAccessReview', {
      RequestID: review.requestId,
      Review: {
        Author: review.author,
        ProposedState: review.state,
        Reason: review.reason,
        Created: toTimestamp(new Date()),
      },
    });
    return requestOf(r);
  }

  async setAccessRequestState(setter: {
    id: string;
    state: 'APPROVED' | 'DENIED';
    delegator?: string;
    reason?: string;
  }): Promise<void> {
    await this.unary('SetAccessRequestState', {
      ID: setter.id,
      State: setter.state,
      Delegator: setter.delegator ?? '',
      Reason: setter.reason ?? '',
    });
  }

  close(): void {
    this.loaded?.client.close();
    this.loaded = undefined;
  }

  private async unary(method: string, request: Wire): Promise<Wire> {
    const { client, config } = await this.connection();
    try {
      return await new Promise<Wire>((resolve, reject) =>
        (client as any)[method](
          request,
          { deadline: Date.now() + config.timeoutMs },
          (err: grpc.ServiceError | null, res: Wire) =>
            err ? reject(err) : resolve(res),
        ),
      );
    } catch (e) {
      throw await this.failure(method, e);
    }
  }

  /** The gRPC client, rebuilt when a credential file changed since the last call. */
  private async connection(): Promise<{
    client: grpc.Client;
    config: TeleportConfig;
  }> {
    const config = this.config;
    if (!config) {
      throw new TeleportError(
        'not-configured',
        'Teleport is not configured (groundcrew.teleport)',
      );
    }
    const files =
      config.credentials.type === 'identityFile'
        ? [config.credentials.path]
        : [
            config.credentials.certFile,
            config.credentials.keyFile,
            config.credentials.caFile,
          ];
    let stamp: string;
    try {
      const stats = await Promise.all(files.map(f => fs.promises.stat(f)));
      stamp = stats.map(s => `${s.mtimeMs}:${s.size}:${s.ino}`).join('|');
    } catch (e) {
      throw new TeleportError(
        'certificate-rejected',
        `cannot read the Teleport credentials: ${(e as Error).message}`,
      );
    }
    if (this.loaded?.stamp === stamp) {
      return { client: this.loaded.client, config };
    }
    let identity: TeleportTlsIdentity;
    try {
      if (config.credentials.type === 'identityFile') {
        identity = parseIdentityFile(
          await fs.promises.readFile(config.credentials.path, 'utf8'),
        );
      } else {
        const [certPem, keyPem, caPem] = await Promise.all(
          files.map(f => fs.promises.readFile(f, 'utf8')),
        );
        identity = { certPem, keyPem, caPem };
      }
    } catch (e) {
      throw new TeleportError(
        'certificate-rejected',
        `cannot read the Teleport credentials: ${(e as Error).message}`,
      );
    }
    const credentials = grpcJs().credentials.createSsl(
      Buffer.from(identity.caPem),
      Buffer.from(identity.keyPem),
      Buffer.from(identity.certPem),
    );
    const Ctor = authService();
    const client = new Ctor(config.address, credentials, {
      'grpc.ssl_target_name_override': config.serverName,
      'grpc.default_authority': config.serverName,
    });
    if (this.loaded) {
      this.logger.info('Teleport credentials changed; reconnecting');
      this.loaded.client.close();
    }
    this.loaded = { stamp, identity, client };
    return { client, config };
  }

  /** A TeleportError for a failed call; an unavailable server is diagnosed with a TLS handshake. */
  private async failure(method: string, e: unknown): Promise<TeleportError> {
    const err = e as Partial<grpc.ServiceError>;
    const { status } = grpcJs();
    const code = err.code ?? status.UNKNOWN;
    const details = err.details || err.message || String(e);
    let reason = reasonOf(code);
    let message = details;
    if (code === status.UNAVAILABLE) {
      const diagnosis = await this.diagnose();
      reason = diagnosis.reason;
      message =
        diagnosis.message ??
        `Teleport at ${this.config?.address} is unavailable: ${details}`;
    } else if (code === status.DEADLINE_EXCEEDED) {
      message = `Teleport at ${this.config?.address} did not answer ${method} within ${this.config?.timeoutMs} ms`;
    }
    this.logger.warn(`Teleport ${method} failed: ${reason}: ${message}`);
    return new TeleportError(reason, message, code);
  }

  /**
   * Dials the auth server with the same credentials to tell a refused or
   * silent server from a handshake that rejected a certificate (gRPC reports
   * both as UNAVAILABLE).
   */
  private async diagnose(): Promise<{
    reason: 'unreachable' | 'certificate-rejected';
    /** Undefined when the handshake succeeded (the server itself said it is unavailable). */
    message?: string;
  }> {
    const config = this.config!;
    const identity = this.loaded?.identity;
    const [host, portText] = config.address.split(/:(?=\d+$)/);
    const outcome = await new Promise<{ ok: boolean; error?: Error }>(
      resolve => {
        const socket = tls.connect({
          host,
          port: Number(portText),
          servername: config.serverName,
          ca: identity?.caPem,
          key: identity?.keyPem,
          cert: identity?.certPem,
          ALPNProtocols: ['h2'],
        });
        let timer: NodeJS.Timeout | undefined = undefined;
        const done = (r: { ok: boolean; error?: Error }) => {
          clearTimeout(timer);
          socket.destroy();
          resolve(r);
        };
        timer = setTimeout(
          () => done({ ok: false, error: new Error('no answer') }),
          Math.min(config.timeoutMs, 3000),
        );
        let secure = false;
        socket.once('error', error => done({ ok: false, error }));
        // With TLS 1.3 the server checks the client certificate after the
        // client has finished: an accepted client gets the server's HTTP/2
        // SETTINGS, a rejected one a closed connection.
        socket.once('secureConnect', () => {
          secure = true;
        });
        socket.once('data', () => done({ ok: true }));
        socket.once('close', () =>
          done({
            ok: false,
            error: new Error(
              secure
                ? 'the server closed the connection after the TLS handshake: it did not accept the client certificate'
                : 'the connection closed during the TLS handshake',
            ),
          }),
        );
      },
    );
    if (outcome.error && CERTIFICATE_FAILURE.test(outcome.error.message)) {
      return {
        reason: 'certificate-rejected',
        message: `the TLS handshake with Teleport at ${config.address} failed: ${outcome.error.message}`,
      };
    }
    if (outcome.ok) return { reason: 'unreachable' };
    return {
      reason: 'unreachable',
      message: `Teleport at ${config.address} is unreachable: ${outcome.error?.message}`,
    };
  }
}
