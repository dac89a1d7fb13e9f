import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import {
  kubernetesCacheServiceRef,
  kubernetesFleetServiceRef,
} from '../../services';
import { eventually } from '../../__testUtils__/probeBackend';
import { KubernetesFleetService } from '../KubernetesFleet';
import { KubernetesCacheService } from './KubernetesWatchCache';

describe('the cache follows the fleet', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.stop());

  it('watches a cluster registered at run time and forgets one removed', async () => {
    const [first, second] = sandbox.kubernetes.clusters;
    let fleet: KubernetesFleetService | undefined;
    let cache: KubernetesCacheService | undefined;
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: {
              baseUrl: 'http://localhost:0',
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            groundcrew: {
              kubernetes: {
                credentials: { second: { token: second.token } },
                clusters: [
                  {
                    name: first.name,
                    url: first.url,
                    caData: sandbox.kubernetes.caPem,
                    token: first.token,
                    labels: first.labels,
                  },
                ],
              },
            },
          },
        }),
        createBackendPlugin({
          pluginId: 'probe',
          register(reg) {
            reg.registerInit({
              deps: {
                f: kubernetesFleetServiceRef,
                c: kubernetesCacheServiceRef,
              },
              async init({ f, c }) {
                fleet = f;
                cache = c;
              },
            });
          },
        }),
      ],
    });
    try {
      expect(await cache!.waitForSync(20_000)).toBe(true);
      expect(cache!.clusters().map(c => c.name)).toEqual([first.name]);

      await fleet!.registerCluster({
        name: second.name,
        url: second.url,
        caData: sandbox.kubernetes.caPem,
        auth: { type: 'credential', name: 'second' },
        labels: second.labels,
      });
      await eventually(
        () =>
          cache!.clusters().find(c => c.name === second.name)?.state === 'ok' &&
          [...cache!.deployments(second.name)].length > 0,
      );

      await fleet!.unregisterCluster(second.name);
      await eventually(
        () => !cache!.clusters().some(c => c.name === second.name),
      );
      expect([...cache!.deployments(second.name)]).toEqual([]);
    } finally {
      await backend.stop();
    }
  }, 40_000);
});
