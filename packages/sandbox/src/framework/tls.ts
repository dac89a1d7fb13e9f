import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

/** The certificate authority and the server certificate every sandbox server presents. */
export interface TlsMaterial {
  /** PEM of the CA certificate; give this to clients. */
  caPem: string;
  /** PEM of the server certificate (127.0.0.1 and localhost), signed by the CA. */
  certPem: string;
  /** PEM of the server's private key. */
  keyPem: string;
}

const FILES = {
  caPem: 'ca.crt',
  certPem: 'server.crt',
  keyPem: 'server.key',
} as const;

/** A fresh RSA key pair, as PEM and as node-forge keys. */
export function newKeyPair() {
  // node:crypto is orders of magnitude faster than forge's pure-JS RSA keygen.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKeyPem: privateKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  };
}

/** A random positive certificate serial number. */
export function serialNumber(): string {
  // Positive, non-zero serial (leading nibble kept below 8).
  return `4${randomBytes(15).toString('hex')}`;
}

/** Valid from an hour ago for `years`. */
export function validity(cert: forge.pki.Certificate, years: number) {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(notBefore);
  notAfter.setFullYear(notAfter.getFullYear() + years);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
}

/** Generates a fresh CA and a server certificate for 127.0.0.1 / localhost. */
export function generateTlsMaterial(): TlsMaterial {
  const caKeys = newKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  validity(ca, 10);
  const caSubject = [
    { name: 'commonName', value: 'Groundcrew Sandbox CA' },
    { name: 'organizationName', value: 'Groundcrew Sandbox' },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = serverKeys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 5);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: serverKeys.privateKeyPem,
  };
}

/**
 * Loads the TLS material from `stateDir` when all its files are there,
 * otherwise generates it and (when a directory is given) writes it there, so a
 * fixed-port sandbox keeps the same CA across restarts.
 */
export function loadOrCreateTlsMaterial(stateDir?: string): TlsMaterial {
  if (!stateDir) {
    return generateTlsMaterial();
  }
  const paths = {
    caPem: path.join(stateDir, FILES.caPem),
    certPem: path.join(stateDir, FILES.certPem),
    keyPem: path.join(stateDir, FILES.keyPem),
  };
  if (Object.values(paths).every(p => fs.existsSync(p))) {
    return {
      caPem: fs.readFileSync(paths.caPem, 'utf8'),
      certPem: fs.readFileSync(paths.certPem, 'utf8'),
      keyPem: fs.readFileSync(paths.keyPem, 'utf8'),
    };
  }
  const material = generateTlsMaterial();
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(paths.caPem, material.caPem);
  fs.writeFileSync(paths.certPem, material.certPem);
  fs.writeFileSync(paths.keyPem, material.keyPem, { mode: 0o600 });
  return material;
}
