import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';

describe('smoke', () => {
  it('loads', () => {
    const kc = new KubeConfig();
    expect(typeof kc.makeApiClient).toBe('function');
    expect(CoreV1Api).toBeDefined();
  });
});
