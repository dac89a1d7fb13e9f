import { Entity } from '@backstage/catalog-model';
import {
  agentSecretPath,
  entityLeasePrefixes,
  entityVaultPaths,
} from './vaultPaths';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});
const options = { mounts: ['secret', 'team-kv'], defaultMount: 'secret' };

describe('entity Vault paths', () => {
  it('reads both annotations, comma-separated, without duplicates', () => {
    expect(
      entityVaultPaths(
        entity({
          'groundcrew.io/vault-path': 'secret/app, team-kv/app/db/ ,secret/app',
          'vault.io/secrets-path': 'shared',
        }),
        options,
      ),
    ).toEqual([
      { mount: 'secret', path: 'app', annotation: 'groundcrew.io/vault-path' },
      {
        mount: 'team-kv',
        path: 'app/db',
        annotation: 'groundcrew.io/vault-path',
      },
      { mount: 'secret', path: 'shared', annotation: 'vault.io/secrets-path' },
    ]);
    expect(entityVaultPaths(entity({}), options)).toEqual([]);
  });

  it.each([
    ['secret/../x', /steps out/],
    ['secret/./x', /steps out/],
    ['', /is empty/],
    ['secret/a,,secret/b', /empty entry/],
    ['https://vault/v1/secret/a', /is a URL/],
    ['//vault/secret', /is a URL/],
    ['/secret/a', /absolute/],
    ['secret/a b', /invalid segment/],
    ['sys/policies', /mount "sys", which the portal may not list/],
  ])('refuses %j naming the annotation', (value, message) => {
    expect(() =>
      entityVaultPaths(entity({ 'groundcrew.io/vault-path': value }), options),
    ).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(
          /^Annotation groundcrew.io\/vault-path: /,
        ),
      }),
    );
    expect(() =>
      entityVaultPaths(entity({ 'groundcrew.io/vault-path': value }), options),
    ).toThrow(message);
  });

  it('keeps lease prefixes under the allowed ones', () => {
    expect(
      entityLeasePrefixes(
        entity({ 'groundcrew.io/vault-lease-prefix': 'database/creds/app' }),
        ['database/creds/'],
      ),
    ).toEqual(['database/creds/app']);
    expect(() =>
      entityLeasePrefixes(
        entity({ 'groundcrew.io/vault-lease-prefix': 'database/credsx' }),
        ['database/creds/'],
      ),
    ).toThrow(/not under an allowed/);
  });

  it('maps Vault Agent annotation values to KV v2 secrets', () => {
    expect(agentSecretPath('secret/data/app/db', ['secret'])).toEqual({
      mount: 'secret',
      path: 'app/db',
    });
    expect(agentSecretPath('secret/app/db', ['secret'])).toEqual({
      mount: 'secret',
      path: 'app/db',
    });
    expect(agentSecretPath('database/creds/app', ['secret'])).toBeUndefined();
  });
});
