import {
  BackendFeature,
  createBackendPlugin,
  ServiceRef,
} from '@backstage/backend-plugin-api';
// Test helpers, imported only by tests: the test utilities stay a devDependency.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';

type Refs = Record<string, ServiceRef<unknown, 'root', 'singleton'>>;
type Services<R extends Refs> = {
  [K in keyof R]: R[K] extends ServiceRef<infer T, 'root', 'singleton'>
    ? T
    : never;
};

/**
 * A test backend with `data` as its config and the given service factories, and a probe plugin that
 * hands the requested root services (the real ones, built from that config) to the test.
 */
export async function startServicesBackend<R extends Refs>(options: {
  data: object;
  features?: BackendFeature[];
  refs: R;
}): Promise<{ services: Services<R>; stop: () => Promise<void> }> {
  let services: Services<R> | undefined;
  const backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({ data: options.data }),
      ...(options.features ?? []),
      createBackendPlugin({
        pluginId: 'probe',
        register(reg) {
          reg.registerInit({
            deps: options.refs,
            async init(deps) {
              services = deps as Services<R>;
            },
          });
        },
      }),
    ],
  });
  return { services: services!, stop: () => backend.stop() };
}
