import https from 'node:https';
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  V1ConfigMap,
  V1Deployment,
} from '@kubernetes/client-node';
import { startSandbox, Sandbox } from '../sandbox';
import {
  eventually,
  FAST,
  kubeConfigFor,
  statusOf,
} from '../__testUtils__/kube';

describe('kubernetes imitation: server-side apply and patches', () => {
  let sandbox: Sandbox;
  let objects: KubernetesObjectApi;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'apply-test' }],
      demo: false,
      timings: FAST,
    });
    objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(sandbox));
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.control['apply-test'].reset());

  const deployment = (
    replicas: number,
    image = 'nginx:1.25',
  ): V1Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  });
  /** managedFields' `fieldsV1`: a tree of `f:`/`k:` keys. */
  type FieldsV1 = { [key: string]: FieldsV1 };
  const apply = <T extends KubernetesObject>(
    obj: T,
    manager: string,
    force?: boolean,
  ) =>
    objects.patch(
      obj,
      undefined,
      undefined,
      manager,
      force,
      PatchStrategy.ServerSideApply,
    );

  it('creates, re-applies without a change, and tracks managedFields', async () => {
    const created = await apply(deployment(2), 'groundcrew');
    expect(created.metadata?.generation).toBe(1);
    const entry = created.metadata?.managedFields?.find(
      m => m.manager === 'groundcrew',
    );
    expect(entry).toMatchObject({
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
    });
    const fields: FieldsV1 = entry!.fieldsV1;
    expect(fields['f:spec']['f:replicas']).toEqual({});
    expect(
      fields['f:spec']['f:template']['f:spec']['f:containers'][
        'k:{"name":"app"}'
      ]['f:image'],
    ).toEqual({});

    // The controllers write status until the rollout is done (a busy machine may still be
    // rolling out now), so compare with the live object once it has settled.
    const apps = kubeConfigFor(sandbox).makeApiClient(AppsV1Api);
    const live = await eventually(async () => {
      const d = await apps.readNamespacedDeployment({
        namespace: 'default',
        name: 'web',
      });
      expect(d.status?.availableReplicas).toBe(2);
      expect(
        d.status?.conditions?.find(c => c.type === 'Progressing')?.reason,
      ).toBe('NewReplicaSetAvailable');
      return d;
    });
    const again = await apply(deployment(2), 'groundcrew');
    expect(again.metadata?.resourceVersion).toBe(
      live.metadata?.resourceVersion,
    );
    expect(again.metadata?.generation).toBe(1);

    const changed = await apply(deployment(3), 'groundcrew');
    expect(Number(changed.metadata?.resourceVersion)).toBeGreaterThan(
      Number(live.metadata?.resourceVersion),
    );
    expect(changed.metadata?.generation).toBe(2);

    // Without controllers in the way: a ConfigMap.
    const cm: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
      data: { a: '1' },
    };
    const first = await apply(cm, 'groundcrew');
    const second = await apply(cm, 'groundcrew');
    expect(second.metadata?.resourceVersion).toBe(
      first.metadata?.resourceVersion,
    );
    expect(second.metadata?.managedFields?.[0].time).toEqual(
      first.metadata?.managedFields?.[0].time,
    );
  });

  it('answers 409 Conflict with causes when another manager owns a field, and force takes it over', async () => {
    await apply(deployment(2), 'groundcrew');
    const err = await apply(deployment(5), 'someone-else').catch(e => e);
    expect(err.code).toBe(409);
    const status = statusOf(err);
    expect(status).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
    });
    expect(status.message).toContain('conflict with "groundcrew"');
    expect(status.details?.causes).toEqual([
      expect.objectContaining({
        type: 'FieldManagerConflict',
        field: '.spec.replicas',
      }),
    ]);

    // The same value is shared ownership, not a conflict.
    await expect(apply(deployment(2), 'someone-else')).resolves.toBeTruthy();

    const forced = await apply(deployment(5), 'someone-else', true);
    expect(forced.spec?.replicas).toBe(5);
    const mine = forced.metadata?.managedFields?.find(
      m => m.manager === 'groundcrew',
    );
    const mineFields: FieldsV1 = mine!.fieldsV1;
    expect(mineFields['f:spec']['f:replicas']).toBeUndefined();
  });

  it('takes ownership through updates (kubectl scale), so a later apply conflicts', async () => {
    await apply(deployment(2), 'groundcrew');
    const apps = kubeConfigFor(sandbox).makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'web',
        body: { spec: { replicas: 4 } },
        fieldManager: 'kubectl',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const err = await apply(deployment(2), 'groundcrew').catch(e => e);
    expect(err.code).toBe(409);
    expect(statusOf(err).details?.causes?.[0].message).toContain('"kubectl"');
  });

  it('removes fields a manager stops applying', async () => {
    const withLabel = deployment(1);
    withLabel.metadata!.labels = { app: 'web', tier: 'frontend' };
    await apply(withLabel, 'groundcrew');
    const without = await apply(deployment(1), 'groundcrew');
    expect(without.metadata?.labels).toEqual({ app: 'web' });
  });

  it('requires fieldManager for apply (422) and accepts YAML bodies', async () => {
    const err = await objects
      .patch(
        deployment(1),
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.ServerSideApply,
      )
      .catch(e => e);
    expect(err.code).toBe(422);

    const cluster = sandbox.kubernetes.clusters[0];
    const yamlBody =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  namespace: default\ndata:\n  k: v\n';
    const res = await new Promise<{ status: number; body: unknown }>(
      (resolve, reject) => {
        const req = https.request(
          `${cluster.url}/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=yaml-test`,
          {
            method: 'PATCH',
            ca: sandbox.kubernetes.caPem,
            headers: {
              Authorization: `Bearer ${cluster.token}`,
              'Content-Type': 'application/apply-patch+yaml',
            },
          },
          r => {
            let text = '';
            r.on('data', c => (text += c));
            r.on('end', () =>
              resolve({ status: r.statusCode!, body: JSON.parse(text) }),
            );
          },
        );
        req.on('error', reject);
        req.end(yamlBody);
      },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'ConfigMap', data: { k: 'v' } });
  });

  it('applies merge, JSON and strategic merge patches', async () => {
    const kc = kubeConfigFor(sandbox);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: {
        metadata: { name: 'cfg', labels: { a: '1' } },
        data: { x: '1', y: '2' },
      },
    });

    const merged = await core.patchNamespacedConfigMap(
      {
        namespace: 'default',
        name: 'cfg',
        body: { data: { x: null, z: '3' }, metadata: { labels: { b: '2' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ y: '2', z: '3' });
    expect(merged.metadata?.labels).toEqual({ a: '1', b: '2' });

    const jsonPatched = await core.patchNamespacedConfigMap(
      {
        namespace: 'default',
        name: 'cfg',
        body: [
          { op: 'replace', path: '/data/y', value: 'two' },
          { op: 'remove', path: '/data/z' },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.data).toEqual({ y: 'two' });

    await apply(
      {
        ...deployment(1),
        spec: {
          ...deployment(1).spec,
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'nginx:1.25',
                  ports: [{ containerPort: 80 }],
                },
                { name: 'sidecar', image: 'envoy:1' },
              ],
            },
          },
        },
      } as KubernetesObject,
      'groundcrew',
    );
    const smp = await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'web',
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const containers = smp.spec!.template.spec!.containers;
    expect(containers.map(c => `${c.name}=${c.image}`)).toEqual([
      'app=nginx:1.26',
      'sidecar=envoy:1',
    ]);
    expect(containers[0].ports).toEqual([{ containerPort: 80 }]);
  });
});
