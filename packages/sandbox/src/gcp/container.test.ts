import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { protos } from '@google-cloud/container';
import { startSandbox, Sandbox } from '../sandbox';
import {
  codeOf,
  errorOf,
  FAST_GCP,
  gcpClients,
  GcpClients,
} from '../__testUtils__/gcp';
import { eventually } from '../__testUtils__/kube';
import { DEMO_GCP } from './demo';

type Operation = protos.google.container.v1.IOperation;

const KUBE_TOKEN = 'gcp-test-kube-token';
const parent = `projects/${DEMO_GCP.project}/locations/us-west1`;

describe('GCP imitation: Container v1 through @google-cloud/container', () => {
  let sandbox: Sandbox;
  let gcp: GcpClients;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'gke-ops', labels: { environment: 'ops' } }],
      token: KUBE_TOKEN,
      gcp: { timings: FAST_GCP },
    });
    gcp = gcpClients(sandbox);
  });
  afterAll(() => sandbox.stop());
  beforeEach(async () => {
    await sandbox.gcp!.control.reset();
    await sandbox.gcp!.control.resetCounters();
  });

  /** Polls the operation as a caller does, keeping every status seen. */
  async function waitDone(op: Operation, seen: Operation[] = []) {
    const name = `${parent}/operations/${op.name}`;
    for (let i = 0; i < 200; i++) {
      const [now] = await gcp.container.getOperation({ name });
      seen.push(now);
      if (now.status === 'DONE') return now;
      await new Promise(r => setTimeout(r, 10));
    }
    throw new Error(`operation ${op.name} did not finish`);
  }

  function kubeClient(endpoint: string, caBase64: string) {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: 'c', server: `https://${endpoint}`, caData: caBase64 },
      ],
      users: [{ name: 'u', token: KUBE_TOKEN }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    return kc.makeApiClient(CoreV1Api);
  }

  it('lists the demo project’s clusters: the sandbox’s own, RUNNING at its endpoint', async () => {
    const [list] = await gcp.container.listClusters({
      parent: `projects/${DEMO_GCP.project}/locations/-`,
    });
    expect(list.clusters?.map(c => [c.name, c.location, c.status])).toEqual([
      ['gke-ops', 'us-central1', 'RUNNING'],
    ]);
    const own = sandbox.kubernetes.clusters.find(c => c.name === 'gke-ops')!;
    expect(`https://${list.clusters![0].endpoint}`).toBe(own.url);
  });

  it('creates a cluster: the operation goes to DONE with progress, and the cluster is a live Kubernetes API', async () => {
    const changes: number[] = [];
    const unsubscribe = sandbox.onClustersChanged(() =>
      changes.push(sandbox.kubernetes.clusters.length),
    );
    const [op] = await gcp.container.createCluster({
      parent,
      cluster: {
        name: 'gke-new-1',
        resourceLabels: { environment: 'staging' },
        releaseChannel: { channel: 'RAPID' },
        privateClusterConfig: { enablePrivateNodes: true },
        nodePools: [
          {
            name: 'pool-a',
            initialNodeCount: 1,
            config: { machineType: 'e2-standard-8' },
            autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 5 },
          },
        ],
      },
    });
    expect(op).toMatchObject({
      operationType: 'CREATE_CLUSTER',
      location: 'us-west1',
    });
    expect(['PENDING', 'RUNNING']).toContain(op.status);
    const [provisioning] = await gcp.container.getCluster({
      name: `${parent}/clusters/gke-new-1`,
    });
    expect(provisioning.status).toBe('PROVISIONING');

    const seen: Operation[] = [];
    const done = await waitDone(op, seen);
    expect(done.error).toBeFalsy();
    expect(done.endTime).toBeTruthy();
    expect(done.progress?.metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'nodes total', intValue: '3' }),
      ]),
    );
    expect(seen.some(s => s.status === 'RUNNING')).toBe(true);

    const [cluster] = await gcp.container.getCluster({
      name: `${parent}/clusters/gke-new-1`,
    });
    expect(cluster).toMatchObject({
      name: 'gke-new-1',
      location: 'us-west1',
      status: 'RUNNING',
      releaseChannel: { channel: 'RAPID' },
      privateClusterConfig: { enablePrivateNodes: true },
      resourceLabels: { environment: 'staging' },
      currentMasterVersion: expect.stringMatching(/gke/),
    });
    expect(cluster.nodePools?.[0]).toMatchObject({
      name: 'pool-a',
      config: { machineType: 'e2-standard-8' },
      autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: 5 },
      status: 'RUNNING',
    });
    expect(cluster.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(
      Buffer.from(
        cluster.masterAuth!.clusterCaCertificate!,
        'base64',
      ).toString(),
    ).toBe(sandbox.kubernetes.caPem);

    const core = kubeClient(
      cluster.endpoint!,
      cluster.masterAuth!.clusterCaCertificate!,
    );
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map(n => n.metadata?.name).sort()).toEqual([
      'default',
      'kube-system',
    ]);
    // It joined the sandbox.
    expect(sandbox.kubernetes.clusters.map(c => c.name)).toContain('gke-new-1');
    expect(sandbox.control['gke-new-1']).toBeDefined();
    expect(changes.length).toBeGreaterThan(0);

    const counters = await sandbox.gcp!.control.counters();
    expect(
      counters.routes[
        'POST /v1/projects/{project}/locations/{location}/clusters'
      ],
    ).toBe(1);
    expect(counters.mutations).toBe(1);
    expect(counters.reads).toBeGreaterThan(2);

    // Deleting it stops its Kubernetes API.
    const [del] = await gcp.container.deleteCluster({
      name: `${parent}/clusters/gke-new-1`,
    });
    expect(del.operationType).toBe('DELETE_CLUSTER');
    const [stopping] = await gcp.container.getCluster({
      name: `${parent}/clusters/gke-new-1`,
    });
    expect(stopping.status).toBe('STOPPING');
    await waitDone(del);
    expect(
      await codeOf(
        gcp.container.getCluster({ name: `${parent}/clusters/gke-new-1` }),
      ),
    ).toBe(5);
    await expect(core.listNamespace()).rejects.toThrow();
    expect(sandbox.kubernetes.clusters.map(c => c.name)).not.toContain(
      'gke-new-1',
    );
    unsubscribe();
  });

  it('refuses an existing cluster (ALREADY_EXISTS) and a missing name (INVALID_ARGUMENT with field violations)', async () => {
    const exists = await errorOf(
      gcp.container.createCluster({
        parent: `projects/${DEMO_GCP.project}/locations/us-central1`,
        cluster: { name: 'gke-ops' },
      }),
    );
    expect(exists.code).toBe(6);
    const noName = await errorOf(
      gcp.container.createCluster({ parent, cluster: { initialNodeCount: 1 } }),
    );
    expect(noName.code).toBe(3);
    expect(noName.statusDetails?.[0].fieldViolations).toEqual([
      expect.objectContaining({ field: 'cluster.name' }),
    ]);
    const badPools = await errorOf(
      gcp.container.createCluster({
        parent,
        cluster: {
          name: 'gke-bad-pools',
          nodePools: [
            { name: 'p', initialNodeCount: 1 },
            { name: 'p', initialNodeCount: 1 },
          ],
        },
      }),
    );
    expect(badPools.code).toBe(3);
  });

  it('needs the Kubernetes Engine API enabled on the project (403 SERVICE_DISABLED)', async () => {
    const [op] = await gcp.projects.createProject({
      project: {
        projectId: 'no-container-1',
        parent: DEMO_GCP.folders.platform,
      },
    });
    await op.promise();
    const err = await errorOf(
      gcp.container.listClusters({
        parent: 'projects/no-container-1/locations/-',
      }),
    );
    expect(err.code).toBe(7);
    expect(err.reason).toBe('SERVICE_DISABLED');
    expect(
      await codeOf(
        gcp.container.listClusters({
          parent: `projects/${DEMO_GCP.takenProject}/locations/-`,
        }),
      ),
    ).toBe(7);
  });

  it('a failed create operation ends DONE with an error, and leaves the cluster in ERROR (deletable)', async () => {
    await sandbox.gcp!.control.failNextOperations({
      kind: 'createCluster',
      message:
        'Insufficient regional quota to satisfy request: resource "CPUS"',
      status: 'RESOURCE_EXHAUSTED',
    });
    const [op] = await gcp.container.createCluster({
      parent,
      cluster: { name: 'gke-broken-1' },
    });
    const done = await waitDone(op);
    expect(done.error).toMatchObject({
      code: 8,
      message: expect.stringMatching(/Insufficient regional quota/),
    });
    expect(done.statusMessage).toMatch(/Insufficient regional quota/);
    const [cluster] = await gcp.container.getCluster({
      name: `${parent}/clusters/gke-broken-1`,
    });
    expect(cluster.status).toBe('ERROR');
    expect(sandbox.kubernetes.clusters.map(c => c.name)).not.toContain(
      'gke-broken-1',
    );
    const [del] = await gcp.container.deleteCluster({
      name: `${parent}/clusters/gke-broken-1`,
    });
    await waitDone(del);
  });

  it('a hanging create stays RUNNING until released; a delete meanwhile is FAILED_PRECONDITION', async () => {
    await sandbox.gcp!.control.hangNextOperations({ kind: 'createCluster' });
    const [op] = await gcp.container.createCluster({
      parent,
      cluster: { name: 'gke-hung-1' },
    });
    await new Promise(r => setTimeout(r, 200));
    const [still] = await gcp.container.getOperation({
      name: `${parent}/operations/${op.name}`,
    });
    expect(still.status).toBe('RUNNING');
    expect(
      await codeOf(
        gcp.container.deleteCluster({ name: `${parent}/clusters/gke-hung-1` }),
      ),
    ).toBe(9);
    await sandbox.gcp!.control.releaseOperations();
    expect((await waitDone(op)).status).toBe('DONE');
    const [ops] = await gcp.container.listOperations({
      parent: `projects/${DEMO_GCP.project}/locations/-`,
    });
    expect(ops.operations?.map(o => o.name)).toContain(op.name);
  });

  it('an injected 429 is RESOURCE_EXHAUSTED', async () => {
    await sandbox.gcp!.control.injectFault({
      path: '/clusters',
      status: 429,
      retryAfterSeconds: 1,
    });
    expect(
      await codeOf(
        gcp.container.listClusters({
          parent: `projects/${DEMO_GCP.project}/locations/-`,
        }),
      ),
    ).toBe(8);
  });

  it('reset stops the Kubernetes APIs of clusters created since', async () => {
    const [op] = await gcp.container.createCluster({
      parent,
      cluster: { name: 'gke-reset-1' },
    });
    await waitDone(op);
    expect(sandbox.kubernetes.clusters.map(c => c.name)).toContain(
      'gke-reset-1',
    );
    await sandbox.gcp!.control.reset();
    await eventually(() =>
      expect(sandbox.kubernetes.clusters.map(c => c.name)).toEqual(['gke-ops']),
    );
  });
});
