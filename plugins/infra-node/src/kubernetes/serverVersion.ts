import { ServiceUnavailableError } from '@backstage/errors';
// @kubernetes/client-node's modules, not its entry point: that loads every generated API group
// (docs/content/performance.md, "The Kubernetes client's entry point").
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import {
  VersionApiRequestFactory,
  VersionApiResponseProcessor,
} from '@kubernetes/client-node/dist/gen/apis/VersionApi.js';
import type { Configuration } from '@kubernetes/client-node/dist/gen/configuration.js';
import type { VersionInfo } from '@kubernetes/client-node/dist/gen/models/VersionInfo.js';

/**
 * The client's `VersionApi` as its entry point makes it (`kubeConfig.makeApiClient`), from the
 * generated request factory and response processor it wraps: the wrapper lives in the module of
 * every API group's wrappers.
 */
class VersionClient {
  private readonly requests: VersionApiRequestFactory;
  private readonly responses = new VersionApiResponseProcessor();

  constructor(private readonly configuration: Configuration) {
    this.requests = new VersionApiRequestFactory(configuration);
  }

  async getCode(): Promise<VersionInfo> {
    const request = await this.requests.getCode();
    const response = await this.configuration.httpApi.send(request).toPromise();
    return (await this.responses.getCodeWithHttpInfo(response)).data;
  }
}

/**
 * The Kubernetes version an API server reports (`GET /version`, its `gitVersion`, e.g.
 * `v1.31.4-gke.1000`), through the real client. ServiceUnavailableError when it does not answer
 * within `timeoutMs`, or answers an error; the message names the cluster, never its address.
 *
 * @public
 */
export async function readServerVersion(options: {
  cluster: string;
  kubeConfig: KubeConfig;
  timeoutMs?: number;
}): Promise<string> {
  const { cluster, kubeConfig, timeoutMs = 5_000 } = options;
  const api = kubeConfig.makeApiClient(VersionClient);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServiceUnavailableError(
            `Cluster ${cluster} did not report its version within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const info = await Promise.race([api.getCode(), timeout]);
    return info.gitVersion;
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    throw new ServiceUnavailableError(
      `Cluster ${cluster} did not report its version`,
    );
  } finally {
    clearTimeout(timer);
  }
}
