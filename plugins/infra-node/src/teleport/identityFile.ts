/** The TLS part of a Teleport identity. */
export interface TeleportTlsIdentity {
  keyPem: string;
  certPem: string;
  /** The CA certificates that sign the auth server's certificate. */
  caPem: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Reads an identity file as `tctl auth sign --format=file` writes it: the
 * private key (PEM), one SSH certificate line, the TLS certificate (PEM),
 * `@cert-authority` lines, then the TLS CA certificates (PEM). The first PEM
 * block is the key, the second the certificate, the rest the CAs; the SSH
 * lines are skipped.
 *
 * @public
 */
export function parseIdentityFile(text: string): TeleportTlsIdentity {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length < 3) {
    throw new Error(
      `an identity file holds a private key, a certificate and at least one CA certificate (PEM); found ${blocks.length} PEM block(s)`,
    );
  }
  const [keyPem = '', certPem = '', ...cas] = blocks;
  if (!/PRIVATE KEY/.test(keyPem.split('\n')[0])) {
    throw new Error(
      'the first PEM block of an identity file must be the private key',
    );
  }
  if (!/CERTIFICATE/.test(certPem.split('\n')[0])) {
    throw new Error(
      'the second PEM block of an identity file must be the TLS certificate',
    );
  }
  return { keyPem, certPem, caPem: `${cas.join('\n')}\n` };
}
