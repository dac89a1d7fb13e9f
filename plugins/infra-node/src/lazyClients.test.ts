import { GOOGLE_CLIENT_MODULES } from './gcp/googleClients';

/*
 * A backend that installs only some Groundcrew plugins (say, the deploy board) must not pay for the
 * clients of systems it does not use: Google's clients with their protos, node-vault and gRPC are
 * loaded by the service factories that need them, not by importing this package.
 */
const HEAVY_CLIENTS = [
  '@google-cloud/asset',
  '@google-cloud/billing',
  '@google-cloud/container',
  '@google-cloud/resource-manager',
  '@google-cloud/run',
  '@google-cloud/service-usage',
  'google-gax',
  'node-vault',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  // What GoogleCloud loads: each client's own module, not its package's entry point.
  ...Object.values(GOOGLE_CLIENT_MODULES),
];

// The first import transforms the whole package.
jest.setTimeout(120_000);

describe('importing @groundcrew/plugin-infra-node', () => {
  it.each(HEAVY_CLIENTS)('does not load %s', client => {
    jest.isolateModules(() => {
      jest.doMock(client, () => {
        throw new Error(`${client} was loaded by the package entry point`);
      });
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const entry: typeof import('./index') = require('./index');
        expect(entry.kubernetesCacheServiceRef.id).toBe(
          'groundcrew.kubernetes.cache',
        );
        // and the modules named exist: a path that no longer resolves fails here, not in production
        expect(() => jest.requireActual(client)).not.toThrow();
      } finally {
        jest.dontMock(client);
      }
    });
  });
});
