import { CoreV1Api } from '@kubernetes/client-node';
import { startSandbox, Sandbox } from './sandbox';
import { kubeConfigFor } from './__testUtils__/kube';

describe('load: 10 clusters × 2,000 pods', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: 10,
      podsPerCluster: 2000,
      servicesPerCluster: 10,
    });
    // Bounded, but generous: CI machines run other suites alongside (20,000 pods parsed twice).
  }, 120_000);
  afterAll(() => sandbox?.stop());

  it('starts every cluster and lists all pods cluster-wide, correctly shaped', async () => {
    expect(sandbox.kubernetes.clusters).toHaveLength(10);
    for (const cluster of sandbox.kubernetes.clusters) {
      const core = kubeConfigFor(sandbox, cluster.name).makeApiClient(
        CoreV1Api,
      );
      const pods = await core.listPodForAllNamespaces();
      expect(pods.items).toHaveLength(2000);
      expect(
        new Set(
          pods.items.map(p => `${p.metadata?.namespace}/${p.metadata?.name}`),
        ).size,
      ).toBe(2000);
      expect(pods.items.every(p => p.status?.phase === 'Running')).toBe(true);
    }
    const core = kubeConfigFor(sandbox, 'cluster-3').makeApiClient(CoreV1Api);
    const one = await core.listPodForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id=svc-004',
    });
    expect(one.items).toHaveLength(200);
    const size = JSON.stringify(one.items[0]).length;
    expect(size).toBeGreaterThan(4500);
    expect(size).toBeLessThan(9000);
  }, 180_000);

  it('leaves the rolled-out workloads alone (the controllers find nothing to do)', async () => {
    const core = kubeConfigFor(sandbox, 'cluster-0').makeApiClient(CoreV1Api);
    const before = await core.listPodForAllNamespaces({ limit: 1 });
    await new Promise(r => setTimeout(r, 200));
    const again = await core.listPodForAllNamespaces();
    expect(again.items).toHaveLength(2000);
    // Pod names unchanged: no pod was replaced.
    expect(again.items[0].metadata?.name).toBe(before.items[0].metadata?.name);
  }, 30_000);
});
