import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { fleetClustersConfig, Sandbox } from '@groundcrew/sandbox';
import { infraPlugin } from '../plugin';

/** Config values to add to a section: scalars, or one level of them. */
type ConfigValues = Record<
  string,
  string | number | boolean | Record<string, string | number | boolean>
>;

/**
 * The infra backend as the portal runs it, against a sandbox: the default GcpService (Google's
 * clients) on the sandbox's GCP, the default fleet holding the sandbox's clusters, and the default
 * watch cache. `gcp` and `kubernetes` are merged into `groundcrew.gcp` / `groundcrew.kubernetes`.
 */
export function startInfraBackendOnSandbox(
  sandbox: Sandbox,
  extra: { gcp?: ConfigValues; kubernetes?: ConfigValues } = {},
) {
  const gcp = sandbox.gcp!;
  return startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: 'http://localhost:0',
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          groundcrew: {
            kubernetes: {
              clusters: fleetClustersConfig(sandbox),
              ...extra.kubernetes,
            },
            gcp: {
              endpoint: gcp.url,
              caData: sandbox.kubernetes.caPem,
              credentials: { token: gcp.token },
              ...extra.gcp,
            },
          },
        },
      }),
      infraPlugin,
    ],
  });
}
