import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';

const repo = path.resolve(__dirname, '../../..');

/** app-config.yaml with app-config.production.yaml over it, as production loads them. */
async function productionConfig() {
  const { appConfigs } = await loadConfig({
    configRoot: repo,
    configTargets: [
      { path: path.join(repo, 'app-config.yaml') },
      { path: path.join(repo, 'app-config.production.yaml') },
    ],
    experimentalEnvFunc: async name => `<${name}>`,
  });
  return ConfigReader.fromConfigs(appConfigs);
}

describe('the production config over the embedded default', () => {
  it('keeps none of the sandbox: no guest sign-in, no sandbox credential or endpoints, no SQLite', async () => {
    const config = await productionConfig();
    expect(config.getOptional('auth.providers.guest')).toBeUndefined();
    // Sign-in through the organisation's OIDC provider, from the environment; the sandbox's client
    // and its demo secret are gone.
    expect(config.getConfig('auth.providers.oidc').keys()).toEqual([
      'production',
    ]);
    expect(config.getConfig('auth.providers.oidc.production').get()).toEqual({
      metadataUrl: '<AUTH_OIDC_METADATA_URL>',
      clientId: '<AUTH_OIDC_CLIENT_ID>',
      clientSecret: '<AUTH_OIDC_CLIENT_SECRET>',
      prompt: 'auto',
      additionalScopes: ['offline_access'],
      signIn: {
        resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }],
      },
    });
    expect(config.getString('auth.session.secret')).toBe(
      '<AUTH_SESSION_SECRET>',
    );
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getString('backend.cors.origin')).toBe('<APP_BASE_URL>');
    expect(config.getConfig('backend.database').get()).toEqual({
      client: 'pg',
      connection: {
        host: '<POSTGRES_HOST>',
        port: '<POSTGRES_PORT>',
        user: '<POSTGRES_USER>',
        password: '<POSTGRES_PASSWORD>',
      },
    });
    expect(
      config.getConfig('groundcrew.kubernetes.credentials').keys(),
    ).toEqual(['fleet']);
    expect(
      config.getConfigArray('groundcrew.kubernetes.clusters'),
    ).toHaveLength(1);
    expect(config.getOptional('groundcrew.gcp.endpoint')).toBeUndefined();
    expect(config.getConfig('groundcrew.vault').get()).toEqual({
      endpoint: '<VAULT_ADDR>',
      auth: { type: 'kubernetes', role: '<GROUNDCREW_VAULT_ROLE>' },
    });
    expect(config.getOptional('groundcrew.gcp.credentials')).toBeUndefined();
    expect(config.getOptional('groundcrew.search.assetScope')).toBeUndefined();
    expect(config.getConfig('groundcrew.teleport').get()).toEqual({
      address: '<TELEPORT_AUTH_ADDR>',
      identityFile: '<GROUNDCREW_TELEPORT_IDENTITY_FILE>',
    });
    expect(config.getStringArray('catalog.locations')).toEqual([]);
    expect(config.getOptionalConfigArray('integrations.gitlab') ?? []).toEqual(
      [],
    );
  });
});
