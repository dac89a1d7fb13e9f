import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { sandboxAppConfig } from '@groundcrew/plugin-infra-node/testUtils';
import { Sandbox } from '@groundcrew/sandbox';
import { infraPlugin } from '../plugin';

/** Config values to add to a section: scalars, or one level of them. */
type ConfigValues = Record<
  string,
  string | number | boolean | Record<string, string | number | boolean>
>;

/**
 * The infra backend as the portal runs it, against a sandbox: the default GcpService (Google's
 * clients) on the sandbox's GCP, the default fleet holding the sandbox's clusters with their
 * labels, and the default watch cache. `gcp` and `kubernetes` are merged into `groundcrew.gcp` /
 * `groundcrew.kubernetes`; `features` are added (a permissions service with a policy of the test's
 * own, say).
 */
export function startInfraBackendOnSandbox(
  sandbox: Sandbox,
  extra: {
    gcp?: ConfigValues;
    kubernetes?: ConfigValues;
    features?: BackendFeature[];
  } = {},
) {
  return startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: sandboxAppConfig(sandbox, {
          clusterLabels: c => c.labels ?? {},
          overrides: {
            groundcrew: {
              gcp: extra.gcp ?? {},
              kubernetes: extra.kubernetes ?? {},
            },
          },
        }),
      }),
      ...(extra.features ?? []),
      infraPlugin,
    ],
  });
}
