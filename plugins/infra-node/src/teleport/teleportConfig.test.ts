import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { parseIdentityFile } from './identityFile';
import { readTeleportConfig } from './teleportConfig';

const read = (teleport: JsonObject) =>
  readTeleportConfig(new ConfigReader({ groundcrew: { teleport } }));

describe('readTeleportConfig', () => {
  it('is undefined without groundcrew.teleport', () => {
    expect(readTeleportConfig(new ConfigReader({}))).toBeUndefined();
  });

  it('reads an identity file, with Teleport’s server name and a 10 s deadline by default', () => {
    expect(
      read({ address: '127.0.0.1:7492', identityFile: '/x/identity' }),
    ).toEqual({
      address: '127.0.0.1:7492',
      credentials: { type: 'identityFile', path: '/x/identity' },
      serverName: 'teleport.cluster.local',
      timeoutMs: 10_000,
    });
  });

  it.each([
    [{ identityFile: '/i' }, /groundcrew.teleport.address/],
    [
      { address: 'https://auth:3025', identityFile: '/i' },
      /groundcrew.teleport.address/,
    ],
    [{ address: 'auth:3025' }, /identityFile, or all of certFile/],
    [
      { address: 'auth:3025', certFile: '/c', keyFile: '/k' },
      /all of certFile/,
    ],
    [{ address: 'auth:3025', identityFile: '/i', certFile: '/c' }, /exclusive/],
    [
      { address: 'auth:3025', identityFile: '/i', timeoutSeconds: 0 },
      /groundcrew.teleport.timeoutSeconds/,
    ],
  ])('rejects %j naming the key', (teleport, message) => {
    expect(() => read(teleport)).toThrow(message);
  });
});

describe('parseIdentityFile', () => {
  const pem = (label: string, body: string) =>
    `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;

  it('takes the first PEM block as the key, the second as the certificate, the rest as CAs; skips SSH lines', () => {
    const text = [
      pem('RSA PRIVATE KEY', 'key'),
      'ssh-rsa-cert-v01@openssh.com AAAA',
      pem('CERTIFICATE', 'cert'),
      '@cert-authority cluster,*.cluster ssh-rsa AAAA type=host',
      pem('CERTIFICATE', 'ca1'),
      pem('CERTIFICATE', 'ca2'),
    ].join('\n');
    const id = parseIdentityFile(text);
    expect(id.keyPem).toBe(pem('RSA PRIVATE KEY', 'key'));
    expect(id.certPem).toBe(pem('CERTIFICATE', 'cert'));
    expect(id.caPem).toContain('ca1');
    expect(id.caPem).toContain('ca2');
    expect(id.caPem).not.toContain('cert\n');
  });

  it('refuses a file without a CA, or with the blocks in the wrong order', () => {
    expect(() =>
      parseIdentityFile(
        [pem('PRIVATE KEY', 'k'), pem('CERTIFICATE', 'c')].join('\n'),
      ),
    ).toThrow(/found 2 PEM/);
    expect(() =>
      parseIdentityFile(
        [
          pem('CERTIFICATE', 'c'),
          pem('PRIVATE KEY', 'k'),
          pem('CERTIFICATE', 'a'),
        ].join('\n'),
      ),
    ).toThrow(/first PEM block/);
  });
});
