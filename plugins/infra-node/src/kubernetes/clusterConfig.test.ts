import { ConfigReader } from '@backstage/config';
import { readCacheConfig, readFleetConfig } from './clusterConfig';

function read(kubernetes: object) {
  return () =>
    readFleetConfig(new ConfigReader({ groundcrew: { kubernetes } }));
}

describe('readFleetConfig', () => {
  const good = { name: 'gke-a', url: 'https://127.0.0.1:7441', token: 't' };

  it('reads clusters with labels, and defaults', () => {
    const config = readFleetConfig(
      new ConfigReader({
        groundcrew: {
          kubernetes: {
            clusters: [{ ...good, labels: { environment: 'production' } }],
          },
        },
      }),
    );
    expect(config.clusters).toEqual([
      {
        name: 'gke-a',
        url: 'https://127.0.0.1:7441',
        caData: undefined,
        caFile: undefined,
        skipTLSVerify: false,
        auth: { type: 'token', token: 't' },
        labels: { environment: 'production' },
      },
    ]);
    expect(config.syncIntervalMs).toBe(15000);
  });

  it('names the key of an invalid URL', () => {
    expect(
      read({ clusters: [good, { ...good, name: 'gke-b', url: 'not a url' }] }),
    ).toThrow(
      'groundcrew.kubernetes.clusters[1].url is not a valid URL: "not a url"',
    );
  });

  it('names the key of a missing or invalid name, and of a duplicate', () => {
    expect(read({ clusters: [{ url: good.url, token: 't' }] })).toThrow(
      'groundcrew.kubernetes.clusters[0].name is required',
    );
    expect(read({ clusters: [{ ...good, name: 'GKE_A' }] })).toThrow(
      'groundcrew.kubernetes.clusters[0].name must be a DNS label',
    );
    expect(read({ clusters: [good, good] })).toThrow(
      'groundcrew.kubernetes.clusters[1].name "gke-a" is used by another cluster',
    );
  });

  it('wants exactly one way to authenticate, and known credentials', () => {
    expect(read({ clusters: [{ name: 'gke-a', url: good.url }] })).toThrow(
      'groundcrew.kubernetes.clusters[0] needs exactly one of token, serviceAccountTokenFile or credential',
    );
    expect(
      read({
        clusters: [{ name: 'gke-a', url: good.url, credential: 'nope' }],
      }),
    ).toThrow(
      'groundcrew.kubernetes.clusters[0].credential names "nope", which is not under groundcrew.kubernetes.credentials',
    );
  });

  it('rejects a CA that is not PEM and a sync interval that is not positive', () => {
    expect(read({ clusters: [{ ...good, caData: 'abc' }] })).toThrow(
      'groundcrew.kubernetes.clusters[0].caData must be a PEM certificate',
    );
    expect(read({ registrySyncIntervalSeconds: 0 })).toThrow(
      'groundcrew.kubernetes.registrySyncIntervalSeconds must be a positive number',
    );
  });
});

describe('readCacheConfig', () => {
  const readCache = (cache?: object) =>
    readCacheConfig(
      new ConfigReader({ groundcrew: { kubernetes: cache ? { cache } : {} } }),
    );

  it('pages lists by 500, 4 at once, 5 s a request, 120 s of watch silence, unless told otherwise', () => {
    expect(readCache()).toEqual({
      listPageSize: 500,
      listConcurrency: 4,
      requestTimeoutSeconds: 5,
      watchSilenceSeconds: 120,
    });
    expect(
      readCache({
        listPageSize: 100,
        listConcurrency: 2,
        requestTimeoutSeconds: 30,
        watchSilenceSeconds: 5,
      }),
    ).toEqual({
      listPageSize: 100,
      listConcurrency: 2,
      requestTimeoutSeconds: 30,
      watchSilenceSeconds: 5,
    });
  });

  it('names the key of a value out of range or not a whole number', () => {
    expect(() => readCache({ listPageSize: 0 })).toThrow(
      'groundcrew.kubernetes.cache.listPageSize must be a whole number from 10 to 5000, got 0',
    );
    expect(() => readCache({ listConcurrency: 1.5 })).toThrow(
      'groundcrew.kubernetes.cache.listConcurrency must be a whole number from 1 to 64, got 1.5',
    );
    expect(() => readCache({ listConcurrency: 'many' })).toThrow(
      'groundcrew.kubernetes.cache.listConcurrency must be a whole number from 1 to 64, got "many"',
    );
    expect(() => readCache({ requestTimeoutSeconds: 0 })).toThrow(
      'groundcrew.kubernetes.cache.requestTimeoutSeconds must be a whole number from 1 to 300, got 0',
    );
    expect(() => readCache({ watchSilenceSeconds: 0.5 })).toThrow(
      'groundcrew.kubernetes.cache.watchSilenceSeconds must be a whole number from 1 to 3600, got 0.5',
    );
  });
});
