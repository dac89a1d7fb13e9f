import { pathDocument } from './vault';

describe('pathDocument', () => {
  it('belongs to the service named by the first folder, with that service’s owner', () => {
    const asked: string[] = [];
    const doc = pathDocument(
      { mount: 'secret', path: 'checkout-api/db/password' },
      service => {
        asked.push(service);
        return service === 'checkout-api'
          ? 'group:default/team-payments'
          : 'group:default/platform';
      },
    );
    expect(asked).toEqual(['checkout-api']);
    expect(doc).toMatchObject({
      kind: 'vault',
      title: 'secret/checkout-api/db/password',
      entityRef: 'component:default/checkout-api',
      owner: 'group:default/team-payments',
      authorization: { resourceRef: 'component:default/checkout-api' },
      location:
        '/catalog/default/component/checkout-api/secrets?path=secret%2Fcheckout-api%2Fdb%2Fpassword',
    });
  });

  it('makes no document of a secret at the mount’s root: no service can authorize it', () => {
    expect(
      pathDocument({ mount: 'secret', path: 'root-token' }, () => 'x'),
    ).toBeUndefined();
  });
});
