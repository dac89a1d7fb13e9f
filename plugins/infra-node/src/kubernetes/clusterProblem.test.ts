import { clusterProblem } from './clusterProblem';

describe('clusterProblem', () => {
  it.each([
    [
      'request to https://127.0.0.1:45093/api/v1/namespaces?watch=true&timeoutSeconds=300 failed, reason: connect ECONNREFUSED 127.0.0.1:45093',
      'API server unreachable: connection refused',
    ],
    [
      'connect ECONNREFUSED [fd00:ec2::254]:6443',
      'API server unreachable: connection refused',
    ],
    ['connect ETIMEDOUT 10.12.0.5', 'API server unreachable: timed out'],
    [
      'request to https://10.0.0.1:6443/api/v1/pods?limit=500 failed, reason: socket hang up',
      'API server unreachable: connection reset',
    ],
    [
      'getaddrinfo ENOTFOUND kube.internal.example.com',
      'API server unreachable: host name not found',
    ],
    [
      'connect EHOSTUNREACH 10.0.0.9:443',
      'API server unreachable: no route to the API server',
    ],
    [
      'request to https://10.0.0.1:6443/version failed, reason: self-signed certificate in certificate chain',
      'API server unreachable: TLS certificate not accepted',
    ],
  ])(
    'names the network failure in %j, not the address',
    (message, expected) => {
      expect(clusterProblem(message)).toBe(expected);
    },
  );

  it.each([
    [
      'HTTP 403: deployments.apps is forbidden at https://10.1.2.3:443/apis/apps/v1?timeoutSeconds=300',
      'HTTP 403: deployments.apps is forbidden at (address hidden)',
    ],
    [
      'HTTP 500: upstream 10.0.0.7:6443 failed',
      'HTTP 500: upstream (address hidden) failed',
    ],
    // An HTTP answer is not a network failure, whatever words it quotes.
    [
      'HTTP 502: proxy could not connect: ECONNREFUSED 10.0.0.7:6443',
      'HTTP 502: proxy could not connect: ECONNREFUSED (address hidden)',
    ],
    [
      'Client network socket disconnected before secure TLS connection was established (apiserver.gke-a.svc:443)',
      'Client network socket disconnected before secure TLS connection was established ((address hidden))',
    ],
    ['fe80::1ff:fe23:4567:890a unreachable', '(address hidden) unreachable'],
    ['host ::1 is gone', 'host (address hidden) is gone'],
  ])('keeps the words of %j, with the address hidden', (message, expected) => {
    expect(clusterProblem(message)).toBe(expected);
  });

  it.each([
    'HTTP 401: Unauthorized',
    'HTTP 503: the server is currently unable to handle the request',
    'pods is forbidden: User "system:serviceaccount:groundcrew:reader" cannot list resource "pods"',
    'no answer since 12:03:04',
    'no answer within 5 s',
    'The watch of certificates.cert-manager.io was silent for 60 s',
  ])('leaves %j as it is', message => {
    expect(clusterProblem(message)).toBe(message);
  });

  it('has nothing to say about no message', () => {
    expect(clusterProblem(undefined)).toBeUndefined();
    expect(clusterProblem('')).toBeUndefined();
  });
});
