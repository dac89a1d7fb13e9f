import { clusterProblem } from './ClusterOverviewService';

describe('clusterProblem', () => {
  it('names the network failure, not the address the cache quotes', () => {
    expect(
      clusterProblem(
        'request to https://127.0.0.1:45093/api/v1/namespaces?watch=true&timeoutSeconds=300 failed, reason: connect ECONNREFUSED 127.0.0.1:45093',
      ),
    ).toBe('API server unreachable: connection refused');
    expect(
      clusterProblem('getaddrinfo ENOTFOUND gke-a.internal.example.com'),
    ).toBe('API server unreachable: host name not found');
  });

  it('keeps an HTTP answer, with any URL or address replaced', () => {
    expect(
      clusterProblem(
        'HTTP 403: deployments.apps is forbidden at https://10.1.2.3:443/apis/apps/v1?timeoutSeconds=300',
      ),
    ).toBe('HTTP 403: deployments.apps is forbidden at the API server');
    expect(clusterProblem('HTTP 500: upstream 10.0.0.7:6443 failed')).toBe(
      'HTTP 500: upstream the API server failed',
    );
    expect(clusterProblem(undefined)).toBeUndefined();
  });
});
