import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { ServiceUnavailableError } from '@backstage/errors';

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
  const api = kubeConfig.makeApiClient(VersionApi);
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
