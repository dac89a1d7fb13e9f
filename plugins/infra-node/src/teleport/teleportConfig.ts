import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * The TLS server name Teleport's own clients set when they dial the auth
 * server; its certificate carries it whatever the address.
 *
 * @public
 */
export const TELEPORT_AUTH_SERVER_NAME = 'teleport.cluster.local';

/**
 * Where the client certificate comes from: an identity file, or three PEM files.
 *
 * @public
 */
export type TeleportCredentialFiles =
  | { type: 'identityFile'; path: string }
  | { type: 'files'; certFile: string; keyFile: string; caFile: string };

/**
 * `groundcrew.teleport`, read and checked.
 *
 * @public
 */
export interface TeleportConfig {
  /** `host:port` of the auth server (or of a proxy that forwards to it). */
  address: string;
  credentials: TeleportCredentialFiles;
  /** TLS server name to verify on the auth server's certificate. */
  serverName: string;
  /** Deadline of every call. */
  timeoutMs: number;
}

/**
 * Reads `groundcrew.teleport`; undefined when the section is absent (Teleport
 * not configured). Throws an InputError naming the key for an invalid value.
 *
 * @public
 */
export function readTeleportConfig(root: Config): TeleportConfig | undefined {
  const c = root.getOptionalConfig('groundcrew.teleport');
  if (!c) return undefined;
  const address = c.getOptionalString('address');
  if (!address || !/^[^\s:/]+:\d{1,5}$/.test(address)) {
    throw new InputError(
      `groundcrew.teleport.address must be host:port of the Teleport auth server, got ${JSON.stringify(
        address ?? null,
      )}`,
    );
  }
  const identityFile = c.getOptionalString('identityFile');
  const certFile = c.getOptionalString('certFile');
  const keyFile = c.getOptionalString('keyFile');
  const caFile = c.getOptionalString('caFile');
  let credentials: TeleportCredentialFiles;
  if (identityFile) {
    if (certFile || keyFile || caFile) {
      throw new InputError(
        'groundcrew.teleport.identityFile and groundcrew.teleport.certFile/keyFile/caFile are exclusive: set one or the other',
      );
    }
    credentials = { type: 'identityFile', path: identityFile };
  } else if (certFile && keyFile && caFile) {
    credentials = { type: 'files', certFile, keyFile, caFile };
  } else {
    throw new InputError(
      'groundcrew.teleport needs identityFile, or all of certFile, keyFile and caFile',
    );
  }
  const timeoutSeconds = c.getOptionalNumber('timeoutSeconds') ?? 10;
  if (
    !Number.isFinite(timeoutSeconds) ||
    timeoutSeconds <= 0 ||
    timeoutSeconds > 300
  ) {
    throw new InputError(
      `groundcrew.teleport.timeoutSeconds must be a number from 0 to 300, got ${timeoutSeconds}`,
    );
  }
  return {
    address,
    credentials,
    serverName: c.getOptionalString('serverName') ?? TELEPORT_AUTH_SERVER_NAME,
    timeoutMs: Math.round(timeoutSeconds * 1000),
  };
}
