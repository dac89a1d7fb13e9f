import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { newKeyPair, serialNumber, validity } from '../framework/tls';

/**
 * The TLS server name Teleport's own clients set when they dial the auth
 * server: the auth server's certificate carries it, whatever its address.
 */
export const TELEPORT_SERVER_NAME = 'teleport.cluster.local';

/** The Teleport cluster's certificate authority, and the auth server's certificate. */
export interface TeleportPki {
  caPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** A client identity: what `tctl auth sign --format=file` hands to a bot. */
export interface TeleportIdentity {
  user: string;
  keyPem: string;
  certPem: string;
  caPem: string;
}

function caSubject(clusterName: string) {
  return [
    { name: 'commonName', value: clusterName },
    { name: 'organizationName', value: clusterName },
  ];
}

/**
 * A fresh cluster CA (a real Teleport cluster has its own CA, not a web PKI
 * one) and an auth server certificate for `teleport.cluster.local`, localhost
 * and 127.0.0.1.
 */
export function generateTeleportPki(clusterName: string): TeleportPki {
  const caKeys = newKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  validity(ca, 10);
  ca.setSubject(caSubject(clusterName));
  ca.setIssuer(caSubject(clusterName));
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 5);
  cert.setSubject([{ name: 'commonName', value: TELEPORT_SERVER_NAME }]);
  cert.setIssuer(caSubject(clusterName));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: TELEPORT_SERVER_NAME },
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    caKeyPem: caKeys.privateKeyPem,
    serverCertPem: forge.pki.certificateToPem(cert),
    serverKeyPem: keys.privateKeyPem,
  };
}

/** Identities already signed in this process (same CA, user and roles): reused. */
const issued = new Map<string, TeleportIdentity>();

/**
 * Signs a client certificate for `user` (the common name, as Teleport puts the
 * username there; the roles go in the organisation).
 */
export function issueIdentity(
  pki: Pick<TeleportPki, 'caPem' | 'caKeyPem'>,
  user: string,
  roles: string[] = [],
  opts: { validForMs?: number } = {},
): TeleportIdentity {
  const key = `${pki.caPem}|${user}|${roles.join(',')}`;
  if (opts.validForMs === undefined) {
    const known = issued.get(key);
    if (known) return known;
  }
  const identity = signIdentity(pki, user, roles, opts);
  if (opts.validForMs === undefined) issued.set(key, identity);
  return identity;
}

function signIdentity(
  pki: Pick<TeleportPki, 'caPem' | 'caKeyPem'>,
  user: string,
  roles: string[],
  opts: { validForMs?: number },
): TeleportIdentity {
  const ca = forge.pki.certificateFromPem(pki.caPem);
  const caKey = forge.pki.privateKeyFromPem(pki.caKeyPem);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  if (opts.validForMs !== undefined) {
    const from = Date.now() - 2 * 60 * 60 * 1000;
    cert.validity.notBefore = new Date(from);
    cert.validity.notAfter = new Date(Date.now() + opts.validForMs);
  } else {
    validity(cert, 1);
  }
  cert.setSubject([
    { name: 'commonName', value: user },
    ...roles.map(r => ({ name: 'organizationName', value: r })),
  ]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return {
    user,
    keyPem: keys.privateKeyPem,
    certPem: forge.pki.certificateToPem(cert),
    caPem: pki.caPem,
  };
}

/**
 * The identity file layout of `tctl auth sign --format=file`: the private key,
 * one SSH certificate line, the TLS certificate, `@cert-authority` lines, then
 * the TLS CA certificates. The imitation serves no SSH, so the SSH lines are
 * placeholders of the right shape; readers of the TLS part skip them.
 */
export function formatIdentityFile(
  identity: TeleportIdentity,
  clusterName: string,
): string {
  const placeholder = Buffer.from(
    `groundcrew sandbox: no SSH certificate for ${identity.user}`,
  ).toString('base64');
  return [
    identity.keyPem.trim(),
    `ssh-rsa-cert-v01@openssh.com ${placeholder}`,
    identity.certPem.trim(),
    `@cert-authority ${clusterName},*.${clusterName} ssh-rsa ${placeholder} type=host`,
    identity.caPem.trim(),
    '',
  ].join('\n');
}

const generated = new Map<string, TeleportPki>();

const FILES = {
  caPem: 'ca.crt',
  caKeyPem: 'ca.key',
  serverCertPem: 'server.crt',
  serverKeyPem: 'server.key',
} as const;

/** Loads the cluster PKI from `dir` when it is all there, else makes it (and writes it when a dir is given). */
export function loadOrCreateTeleportPki(
  clusterName: string,
  dir?: string,
): TeleportPki {
  if (!dir) {
    // Without a state dir (tests), one PKI per cluster name and process: RSA key generation is
    // most of the imitation's start-up time.
    let pki = generated.get(clusterName);
    if (!pki) {
      pki = generateTeleportPki(clusterName);
      generated.set(clusterName, pki);
    }
    return pki;
  }
  const paths = Object.fromEntries(
    Object.entries(FILES).map(([k, f]) => [k, path.join(dir, f)]),
  ) as Record<keyof TeleportPki, string>;
  if (Object.values(paths).every(p => fs.existsSync(p))) {
    return Object.fromEntries(
      Object.entries(paths).map(([k, p]) => [k, fs.readFileSync(p, 'utf8')]),
    ) as unknown as TeleportPki;
  }
  const pki = generateTeleportPki(clusterName);
  fs.mkdirSync(dir, { recursive: true });
  for (const [k, p] of Object.entries(paths)) {
    const secret = k.toLowerCase().includes('key');
    fs.writeFileSync(p, pki[k as keyof TeleportPki], {
      mode: secret ? 0o600 : 0o644,
    });
  }
  return pki;
}
