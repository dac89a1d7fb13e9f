import { mockServices } from '@backstage/backend-test-utils';
import { readInfraSearchConfig } from './config';

function settingsOf(search: { [key: string]: string }) {
  return readInfraSearchConfig(
    mockServices.rootConfig({ data: { groundcrew: { search } } }),
  ).settings;
}

describe('readInfraSearchConfig', () => {
  it('takes an organization, folder or project as groundcrew.search.assetScope', () => {
    expect(settingsOf({}).assetScope).toBeUndefined();
    for (const scope of [
      'organizations/1000',
      'folders/1002',
      'projects/groundcrew-demo',
    ]) {
      expect(settingsOf({ assetScope: scope }).assetScope).toBe(scope);
    }
  });

  it('refuses another scope, naming the key', () => {
    for (const scope of [
      'organizations/acme',
      'folders/',
      'projects/Bad_Id',
      'projects/12345',
      'billingAccounts/01A2B3-C4D5E6-F7A8B9',
    ]) {
      expect(() => settingsOf({ assetScope: scope })).toThrow(
        /^groundcrew\.search\.assetScope must be organizations\/<number>, folders\/<number> or projects\/<project id>/,
      );
    }
  });
});
