import { ConfigReader } from '@backstage/config';
import { readGcpConfig } from '../gcp/gcpConfig';
import { sandboxAppConfig } from './sandboxAppConfig';

const sandbox = {
  kubernetes: {
    caPem: 'CA PEM',
    clusters: [
      {
        name: 'gke-a',
        url: 'https://127.0.0.1:7441',
        token: 'shared',
        labels: { region: 'us-east1' },
      },
      { name: 'gke-b', url: 'https://127.0.0.1:7442', token: 'shared' },
      { name: 'gke-c', url: 'https://127.0.0.1:7443', token: 'own' },
    ],
  },
  gcp: { url: 'https://127.0.0.1:7451', token: 'gcp-token' },
};

describe('sandboxAppConfig', () => {
  it('points GCP and the fleet at the sandbox, with its token as the credential `sandbox`', () => {
    const config = new ConfigReader(sandboxAppConfig(sandbox));
    expect(config.getString('groundcrew.gcp.endpoint')).toBe(
      'https://127.0.0.1:7451',
    );
    expect(
      config.getString('groundcrew.kubernetes.credentials.sandbox.token'),
    ).toBe('shared');
    expect(config.get('groundcrew.kubernetes.clusters')).toEqual([
      {
        name: 'gke-a',
        url: 'https://127.0.0.1:7441',
        caData: 'CA PEM',
        credential: 'sandbox',
      },
      {
        name: 'gke-b',
        url: 'https://127.0.0.1:7442',
        caData: 'CA PEM',
        credential: 'sandbox',
      },
      // A cluster with a token of its own keeps it.
      {
        name: 'gke-c',
        url: 'https://127.0.0.1:7443',
        caData: 'CA PEM',
        token: 'own',
      },
    ]);
    // What infra-node itself reads of it.
    expect(readGcpConfig(config).endpoint?.href).toBe(
      'https://127.0.0.1:7451/',
    );
  });

  it('labels clusters only when told, and merges overrides key by key', () => {
    const data = sandboxAppConfig(sandbox, {
      clusterLabels: c => ({ ...c.labels, class: 'pet' }),
      overrides: {
        groundcrew: {
          gcp: { retry: { attempts: 5 }, parents: [{ parent: 'folders/1' }] },
          runway: { gke: { rolloutTimeoutMinutes: 1 } },
        },
      },
    });
    const config = new ConfigReader(data);
    expect(
      config
        .getConfigArray('groundcrew.kubernetes.clusters')
        .map(c => c.getOptional('labels')),
    ).toEqual([
      { region: 'us-east1', class: 'pet' },
      { class: 'pet' },
      { class: 'pet' },
    ]);
    expect(config.get('groundcrew.gcp.retry')).toEqual({
      attempts: 5,
      initialBackoffSeconds: 0.01,
    });
    expect(config.get('groundcrew.gcp.parents')).toEqual([
      { parent: 'folders/1' },
    ]);
    expect(
      config.getNumber('groundcrew.runway.gke.rolloutTimeoutMinutes'),
    ).toBe(1);
    expect(config.getString('groundcrew.gcp.credentials.token')).toBe(
      'gcp-token',
    );
  });

  it('leaves GCP out for a sandbox without it', () => {
    const config = new ConfigReader(
      sandboxAppConfig({ kubernetes: sandbox.kubernetes }),
    );
    expect(config.has('groundcrew.gcp')).toBe(false);
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
  });
});
