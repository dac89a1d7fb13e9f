import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { loadConfig } from '@backstage/config-loader';
import { readGcpConfig } from './gcpConfig';

const repo = path.resolve(__dirname, '../../../..');

describe('readGcpConfig', () => {
  it('reads the sandbox endpoint, CA and token', () => {
    const config = readGcpConfig(
      new ConfigReader({
        groundcrew: {
          gcp: {
            endpoint: 'https://127.0.0.1:7451',
            caData: 'PEM',
            credentials: { token: 't' },
            retry: { attempts: 3, initialBackoffSeconds: 0.5 },
            operationPollIntervalSeconds: 1,
            regions: ['us-east1', 'europe-west1'],
          },
        },
      }),
    );
    expect(config).toMatchObject({
      caPem: 'PEM',
      auth: { type: 'token', token: 't' },
      retryAttempts: 3,
      retryInitialBackoffMs: 500,
      operationPollIntervalMs: 1000,
      regions: ['us-east1', 'europe-west1'],
    });
    expect(config.endpoint?.port).toBe('7451');
  });

  it('uses Google with application default credentials when nothing is set', () => {
    const config = readGcpConfig(new ConfigReader({}));
    expect(config.endpoint).toBeUndefined();
    expect(config.auth).toEqual({ type: 'applicationDefault' });
    expect(config.regions).toContain('us-central1');
  });

  it.each([
    [{ endpoint: 'not a url' }, /^groundcrew.gcp.endpoint is not a valid URL/],
    [
      { endpoint: 'ftp://x' },
      /^groundcrew.gcp.endpoint must be an http\(s\) URL/,
    ],
    [
      { credentials: { token: 't' } },
      /^groundcrew.gcp.credentials.token is only for/,
    ],
    [
      { endpoint: 'https://x', credentials: { token: 't', keyFile: '/k' } },
      /^groundcrew.gcp.credentials: give token or keyFile, not both/,
    ],
    [
      { retry: { attempts: 0 } },
      /^groundcrew.gcp.retry.attempts must be a number from 1 to 20/,
    ],
    [
      { regions: ['us-east1', 'mars'] },
      /^groundcrew.gcp.regions\[1\] is not a GCP region/,
    ],
    [
      { caFile: '/does/not/exist' },
      /^groundcrew.gcp.caFile cannot be read: ENOENT/,
    ],
  ])('refuses %j with a message that names the key', (gcp, message) => {
    expect(() =>
      readGcpConfig(new ConfigReader({ groundcrew: { gcp } })),
    ).toThrow(message);
  });

  it('production config over the embedded default drops the sandbox endpoint, CA and token', async () => {
    const { appConfigs } = await loadConfig({
      configRoot: repo,
      configTargets: [
        { path: path.join(repo, 'app-config.yaml') },
        { path: path.join(repo, 'app-config.production.yaml') },
      ],
      // The environment variables production reads; their values do not matter here.
      experimentalEnvFunc: async () => 'x',
    });
    const config = readGcpConfig(ConfigReader.fromConfigs(appConfigs));
    expect(config.endpoint).toBeUndefined();
    expect(config.caPem).toBeUndefined();
    expect(config.auth).toEqual({ type: 'applicationDefault' });
  });
});
