import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  V1Deployment,
  Watch,
} from '@kubernetes/client-node';
import { startSandbox, Sandbox } from '../sandbox';
import { eventually, FAST, kubeConfigFor } from '../__testUtils__/kube';
import type { Condition } from './types';

/** What is read here of a condition, a pod's or a HelmRelease's. */
type Conditions = Array<Pick<Condition, 'type' | 'status'>>;

/** What is read here of a watched ReplicaSet or pod (a watch hands over the JSON). */
interface Watched {
  metadata: { name: string; resourceVersion: string };
  spec?: { replicas?: number };
  status?: { replicas?: number; phase?: string; conditions?: Conditions };
}

type Seen = { type: string; kind: string; rv: number; object: Watched };

function watchAll(
  kc: KubeConfig,
  paths: Record<string, string>,
  rv: string,
  sink: Seen[],
) {
  return Promise.all(
    Object.entries(paths).map(([kind, path]) =>
      new Watch(kc).watch(
        path,
        { resourceVersion: rv },
        (type, object: Watched) =>
          sink.push({
            type,
            kind,
            rv: Number(object.metadata.resourceVersion),
            object,
          }),
        () => undefined,
      ),
    ),
  );
}

const isReady = (pod: { status?: { conditions?: Conditions } }) =>
  (pod.status?.conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );

async function settledWith(apps: AppsV1Api, replicas: number) {
  return eventually(
    async () => {
      const d = await apps.readNamespacedDeployment({
        namespace: 'default',
        name: 'web',
      });
      expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
      expect(d.status?.updatedReplicas ?? 0).toBe(replicas);
      expect(d.status?.availableReplicas ?? 0).toBe(replicas);
      expect(d.status?.replicas ?? 0).toBe(replicas);
      if (replicas > 0) {
        expect(
          d.status?.conditions?.find(c => c.type === 'Progressing')?.reason,
        ).toBe('NewReplicaSetAvailable');
        expect(
          d.status?.conditions?.find(c => c.type === 'Available')?.status,
        ).toBe('True');
      }
      return d;
    },
    { timeoutMs: 8000 },
  );
}

describe('kubernetes imitation: Deployment controller', () => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let apps: AppsV1Api;
  let core: CoreV1Api;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'rollout' }],
      demo: false,
      timings: FAST,
    });
    kc = kubeConfigFor(sandbox);
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.control.rollout.reset());
  const settled = (replicas: number) => settledWith(apps, replicas);

  const deployment = (image: string, replicas = 3): V1Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', image, ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  });

  it('creates a ReplicaSet and pods that become Ready', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('web:1'),
    });
    await settled(3);
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'default' });
    expect(rs.items).toHaveLength(1);
    const hash = rs.items[0].metadata!.labels!['pod-template-hash'];
    expect(rs.items[0].metadata!.name).toBe(`web-${hash}`);
    expect(rs.items[0].metadata!.ownerReferences![0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
    });
    const pods = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: `pod-template-hash=${hash}`,
    });
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) {
      expect(p.status?.phase).toBe('Running');
      expect(p.status?.podIP).toBeTruthy();
      expect(p.spec?.nodeName).toBeTruthy();
      expect(p.status?.containerStatuses?.[0]).toMatchObject({
        ready: true,
        restartCount: 0,
        started: true,
      });
      expect(JSON.stringify(p).length).toBeGreaterThan(3000);
    }
  });

  it('rolls out a changed template: new ReplicaSet, pods Pending → Running → Ready, old one scaled down, in order', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('web:1'),
    });
    await settled(3);
    const oldRs = (
      await apps.listNamespacedReplicaSet({ namespace: 'default' })
    ).items[0].metadata!.name!;
    const before = await core.listNamespacedPod({ namespace: 'default' });
    const rv = before.metadata!.resourceVersion!;

    const seen: Seen[] = [];
    const controllers = await watchAll(
      kc,
      {
        rs: '/apis/apps/v1/namespaces/default/replicasets',
        pod: '/api/v1/namespaces/default/pods',
      },
      rv,
      seen,
    );
    await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'web',
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'app', image: 'web:2' }] },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const d = await settled(3);
    expect(d.metadata?.generation).toBe(2);
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe(
      '2',
    );
    await eventually(() => {
      const old = seen
        .filter(e => e.kind === 'rs' && e.object.metadata.name === oldRs)
        .at(-1);
      expect(old?.object.status?.replicas).toBe(0);
    });
    controllers.forEach(c => c.abort());

    seen.sort((a, b) => a.rv - b.rv);
    const newRsAdded = seen.find(e => e.kind === 'rs' && e.type === 'ADDED')!;
    expect(newRsAdded.object.metadata.name).not.toBe(oldRs);
    const newRs = newRsAdded.object.metadata.name;
    const firstNewPodReady = seen.find(
      e =>
        e.kind === 'pod' &&
        e.object.metadata.name.startsWith(`${newRs}-`) &&
        isReady(e.object),
    )!;
    const firstOldScaleDown = seen.find(
      e =>
        e.kind === 'rs' &&
        e.object.metadata.name === oldRs &&
        e.object.spec?.replicas !== undefined &&
        e.object.spec.replicas < 3,
    )!;
    expect(newRsAdded.rv).toBeLessThan(firstNewPodReady.rv);
    // maxUnavailable 0: the old ReplicaSet shrinks only after a new pod is Ready.
    expect(firstNewPodReady.rv).toBeLessThan(firstOldScaleDown.rv);

    // Each new pod: ADDED Pending (unscheduled), then Running not ready, then Ready.
    const newPods = new Set(
      seen
        .filter(
          e =>
            e.kind === 'pod' && e.object.metadata.name.startsWith(`${newRs}-`),
        )
        .map(e => e.object.metadata.name),
    );
    expect(newPods.size).toBe(3);
    for (const name of newPods) {
      const states = seen
        .filter(e => e.kind === 'pod' && e.object.metadata.name === name)
        .map(e => (isReady(e.object) ? 'Ready' : e.object.status?.phase));
      const compact = states.filter((s, i) => s !== states[i - 1]);
      expect(compact).toEqual(['Pending', 'Running', 'Ready']);
    }
    // Old pods go away.
    const oldPodsDeleted = seen.filter(
      e =>
        e.kind === 'pod' &&
        e.type === 'DELETED' &&
        e.object.metadata.name.startsWith(`${oldRs}-`),
    );
    expect(oldPodsDeleted).toHaveLength(3);
    // Never fewer than 3 ready pods, never more than 4 pods (maxSurge 1).
    const ready = new Map<string, boolean>(
      before.items.map(p => [p.metadata!.name!, isReady(p)]),
    );
    for (const e of seen.filter(x => x.kind === 'pod')) {
      if (e.type === 'DELETED') ready.delete(e.object.metadata.name);
      else ready.set(e.object.metadata.name, isReady(e.object));
      expect(ready.size).toBeLessThanOrEqual(4);
      expect([...ready.values()].filter(Boolean).length).toBeGreaterThanOrEqual(
        3,
      );
    }
  });

  it('scales up and down, and deleting the Deployment deletes its ReplicaSets and pods', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('web:1', 2),
    });
    await settled(2);
    await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 5 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await settled(5);
    await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await settled(1);
    expect(
      (await core.listNamespacedPod({ namespace: 'default' })).items,
    ).toHaveLength(1);
    await apps.deleteNamespacedDeployment({
      namespace: 'default',
      name: 'web',
    });
    expect(
      (await apps.listNamespacedReplicaSet({ namespace: 'default' })).items,
    ).toHaveLength(0);
    expect(
      (await core.listNamespacedPod({ namespace: 'default' })).items,
    ).toHaveLength(0);
  });

  it('serves the scale subresource and pod logs', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('web:1', 2),
    });
    await settled(2);
    const scale = await apps.readNamespacedDeploymentScale({
      namespace: 'default',
      name: 'web',
    });
    expect(scale).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=web' },
    });
    await apps.replaceNamespacedDeploymentScale({
      namespace: 'default',
      name: 'web',
      body: { ...scale, spec: { replicas: 4 } },
    });
    await settled(4);
    const pod = (await core.listNamespacedPod({ namespace: 'default' }))
      .items[0];
    const log = await core.readNamespacedPodLog({
      namespace: 'default',
      name: pod.metadata!.name!,
      tailLines: 2,
    });
    expect(String(log).trim().split('\n')).toHaveLength(2);
  });

  it('marks a HelmRelease Ready with lastAppliedRevision', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.create({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'svc', namespace: 'default' },
      spec: { chart: { spec: { chart: 'runway-service', version: '1.2.3' } } },
    } as never);
    await eventually(async () => {
      const hr = await objects.read<
        KubernetesObject & {
          status?: { lastAppliedRevision?: string; conditions?: Conditions };
        }
      >({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'svc', namespace: 'default' },
      });
      expect(hr.status?.lastAppliedRevision).toBe('1.2.3');
      expect(hr.status?.conditions?.find(c => c.type === 'Ready')?.status).toBe(
        'True',
      );
    });
  });
});
