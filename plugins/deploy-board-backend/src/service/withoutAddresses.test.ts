import { withoutAddresses } from './withoutAddresses';

describe('withoutAddresses', () => {
  it.each([
    [
      'connect ECONNREFUSED 127.0.0.1:7441',
      'connect ECONNREFUSED (address hidden)',
    ],
    ['connect ETIMEDOUT 10.12.0.5', 'connect ETIMEDOUT (address hidden)'],
    [
      'request to https://10.0.0.1:6443/api/v1/pods?limit=500 failed, reason: socket hang up',
      'request to (address hidden) failed, reason: socket hang up',
    ],
    [
      'getaddrinfo ENOTFOUND kube.internal.example.com',
      'getaddrinfo ENOTFOUND (address hidden)',
    ],
    ['connect ECONNREFUSED ::1:443', 'connect ECONNREFUSED (address hidden)'],
    [
      'connect ECONNREFUSED [fd00:ec2::254]:6443',
      'connect ECONNREFUSED (address hidden)',
    ],
    [
      'Client network socket disconnected before secure TLS connection was established (apiserver.gke-a.svc:443)',
      'Client network socket disconnected before secure TLS connection was established ((address hidden))',
    ],
    ['fe80::1ff:fe23:4567:890a unreachable', '(address hidden) unreachable'],
  ])('hides the address in %j', (message, expected) => {
    expect(withoutAddresses(message)).toBe(expected);
  });

  it.each([
    'HTTP 401: Unauthorized',
    'HTTP 503: the server is currently unable to handle the request',
    'pods is forbidden: User "system:serviceaccount:groundcrew:reader" cannot list resource "pods"',
    'no answer since 12:03:04',
    'The watch of pods was silent for 60 s',
  ])('leaves %j as it is', message => {
    expect(withoutAddresses(message)).toBe(message);
  });
});
