import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { readTeleportAccessConfig } from '../config';
import { teleportUserOf } from './userMapping';

const user = (email?: string, annotation?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name: 'x',
    annotations: annotation
      ? { 'groundcrew.io/teleport-user': annotation }
      : {},
  },
  spec: { profile: email ? { email } : {} },
});

const rule = (users: object = {}) =>
  readTeleportAccessConfig(
    mockServices.rootConfig({
      data: { groundcrew: { teleportAccess: { users } } } as never,
    }),
  ).users;

describe('teleportUserOf', () => {
  it.each([
    [
      'the local part by default',
      user('demo@groundcrew.example'),
      rule(),
      'demo',
    ],
    [
      'the whole address',
      user('demo@groundcrew.example'),
      rule({ fromEmail: 'email' }),
      'demo@groundcrew.example',
    ],
    [
      'the annotation before the e-mail',
      user('patricia@x.example', 'pat'),
      rule(),
      'pat',
    ],
    [
      'nobody with fromEmail none',
      user('demo@groundcrew.example'),
      rule({ fromEmail: 'none' }),
      undefined,
    ],
    [
      'nobody outside the domains',
      user('demo@elsewhere.example'),
      rule({ emailDomains: ['groundcrew.example'] }),
      undefined,
    ],
    [
      'a listed domain, any case',
      user('demo@GroundCrew.Example'),
      rule({ emailDomains: ['groundcrew.example'] }),
      'demo',
    ],
    ['nobody without an e-mail', user(), rule(), undefined],
    [
      'nobody for a name Teleport would not take',
      user('a b@x.example'),
      rule(),
      undefined,
    ],
    [
      'nobody for a bad annotation',
      user('demo@x.example', '../root'),
      rule(),
      undefined,
    ],
  ])('%s', (_name, entity, r, expected) => {
    expect(teleportUserOf(entity, r)?.name).toBe(expected);
  });

  it('names the key of a bad rule', () => {
    expect(() => rule({ fromEmail: 'uid' })).toThrow(
      /groundcrew.teleportAccess.users.fromEmail/,
    );
    expect(() => rule({ emailDomains: ['not a domain'] })).toThrow(
      /groundcrew.teleportAccess.users.emailDomains/,
    );
  });
});
