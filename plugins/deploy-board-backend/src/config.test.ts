import {
  createServiceFactory,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { kubernetesCacheServiceRef } from '@groundcrew/plugin-infra-node';
import { readDeployBoardConfig } from './config';
import { deployBoardPlugin } from './plugin';

function config(deployBoard: object): RootConfigService {
  return mockServices.rootConfig({ data: { groundcrew: { deployBoard } } });
}

const read = (deployBoard: object) => () =>
  readDeployBoardConfig(config(deployBoard));

/** An empty cache, so that the plugin starts without a fleet. */
const emptyCache = createServiceFactory({
  service: kubernetesCacheServiceRef,
  deps: {},
  factory: () => ({
    waitForSync: async () => true,
    clusters: () => [],
    deployments: () => [],
    replicaSetsOf: () => [],
    podsOf: () => [],
    podEvents: () => [],
    flux: () => [],
    routes: () => [],
    watch: () => {},
    namespace: () => undefined,
    subscribe: () => () => {},
  }),
});

function startWith(deployBoard: object) {
  return startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:0' },
          groundcrew: { deployBoard },
        },
      }),
      catalogServiceMock.factory(),
      emptyCache,
      deployBoardPlugin,
    ],
  });
}

describe('readDeployBoardConfig', () => {
  it('fills in the defaults', () => {
    expect(readDeployBoardConfig(config({}))).toEqual({
      environmentLabels: {
        cluster: 'environment',
        namespace: 'groundcrew.io/environment',
      },
      readCheckTtlMs: 5000,
      stream: {
        heartbeatMs: 15_000,
        debounceMs: 50,
        maxBufferedBytes: 4 * 1024 * 1024,
      },
    });
  });

  it('reads every key, numbers given as strings too (environment variables)', () => {
    expect(
      readDeployBoardConfig(
        config({
          environmentLabels: { cluster: 'tier', namespace: 'example.com/env' },
          readCheckCacheSeconds: 0,
          stream: {
            heartbeatSeconds: '20',
            debounceMs: 20,
            maxBufferedBytes: 1048576,
          },
        }),
      ),
    ).toEqual({
      environmentLabels: { cluster: 'tier', namespace: 'example.com/env' },
      readCheckTtlMs: 0,
      stream: {
        heartbeatMs: 20_000,
        debounceMs: 20,
        maxBufferedBytes: 1048576,
      },
    });
  });

  it('names the key and the range of a value out of range', () => {
    expect(read({ stream: { heartbeatSeconds: 0 } })).toThrow(
      'groundcrew.deployBoard.stream.heartbeatSeconds must be a number from 1 to 20, got 0',
    );
    expect(read({ stream: { debounceMs: 2.5 } })).toThrow(
      'groundcrew.deployBoard.stream.debounceMs must be a whole number from 1 to 10000, got 2.5',
    );
    expect(read({ stream: { maxBufferedBytes: 100 } })).toThrow(
      'groundcrew.deployBoard.stream.maxBufferedBytes must be a whole number from 65536 to 268435456, got 100',
    );
    expect(read({ readCheckCacheSeconds: -1 })).toThrow(
      'groundcrew.deployBoard.readCheckCacheSeconds must be a number from 0 to 300, got -1',
    );
    expect(read({ stream: { heartbeatSeconds: 60 } })).toThrow(
      'groundcrew.deployBoard.stream.heartbeatSeconds must be a number from 1 to 20, got 60',
    );
    expect(read({ stream: { heartbeatSeconds: 'soon' } })).toThrow(
      'groundcrew.deployBoard.stream.heartbeatSeconds must be a number from 1 to 20, got "soon"',
    );
    expect(read({ stream: { heartbeatSeconds: 'soon' } })).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });

  it('names the key of an environment label that is not a label key', () => {
    expect(read({ environmentLabels: { cluster: 'two words' } })).toThrow(
      'groundcrew.deployBoard.environmentLabels.cluster must be a Kubernetes label key, got "two words"',
    );
    expect(
      read({ environmentLabels: { namespace: 'Bad_Prefix/env' } }),
    ).toThrow(
      'groundcrew.deployBoard.environmentLabels.namespace must be a Kubernetes label key',
    );
    expect(read({ environmentLabels: { namespace: '' } })).toThrow(
      'groundcrew.deployBoard.environmentLabels.namespace must be a Kubernetes label key',
    );
  });
});

describe('deploy-board plugin start-up', () => {
  it('refuses to start with a heartbeat of 0 s, naming the key', async () => {
    await expect(
      startWith({ stream: { heartbeatSeconds: 0 } }),
    ).rejects.toThrow(
      /groundcrew\.deployBoard\.stream\.heartbeatSeconds must be a number from 1 to 20, got 0/,
    );
  });

  it('refuses to start with a bad environment label, naming the key', async () => {
    await expect(
      startWith({ environmentLabels: { cluster: 'a b' } }),
    ).rejects.toThrow(/groundcrew\.deployBoard\.environmentLabels\.cluster/);
  });

  it('starts with valid values', async () => {
    const backend = await startWith({ stream: { heartbeatSeconds: 5 } });
    expect(backend.server.listening).toBe(true);
    await backend.stop();
  });
});
