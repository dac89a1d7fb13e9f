import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PodMetric,
} from '@kubernetes/client-node';
import type { HelmReleaseSpec } from './flux/helmController';
import { startSandbox, Sandbox } from '../sandbox';
import { FAST, kubeConfigFor, statusOf } from '../__testUtils__/kube';

describe('kubernetes imitation: discovery, CRUD, selectors, errors', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ timings: FAST });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.control['gke-prod-us-east1'].reset());

  it('serves discovery so KubernetesObjectApi reads and creates by apiVersion/kind', async () => {
    const client = KubernetesObjectApi.makeApiClient(
      kubeConfigFor(sandbox, 'gke-prod-us-east1'),
    );
    const hr = await client.read<KubernetesObject & { spec: HelmReleaseSpec }>({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'ai-gateway', namespace: 'ai-gateway' },
    });
    expect(hr.spec.chart?.spec?.chart).toBe('runway-service');

    const created = await client.create({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'extra', namespace: 'ai-gateway' },
      spec: {
        hosts: ['extra'],
        http: [{ route: [{ destination: { host: 'extra' }, weight: 100 }] }],
      },
    } as KubernetesObject);
    expect(created.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.resourceVersion).toBeTruthy();
    expect(created.metadata?.generation).toBe(1);

    // The same object through the preferred version.
    const asV1 = await client.read({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'extra', namespace: 'ai-gateway' },
    });
    expect(asV1.apiVersion).toBe('networking.istio.io/v1');
    expect(asV1.metadata?.uid).toBe(created.metadata?.uid);

    const counters = await sandbox.control['gke-prod-us-east1'].counters();
    expect(counters.routes['GET /apis/helm.toolkit.fluxcd.io/v2']).toBe(1);
    expect(
      counters.routes[
        'POST /apis/networking.istio.io/v1beta1/namespaces/{namespace}/virtualservices'
      ],
    ).toBe(1);
  });

  it('lists cluster-wide and namespaced with label and field selectors', async () => {
    const core = kubeConfigFor(sandbox, 'gke-prod-us-east1').makeApiClient(
      CoreV1Api,
    );
    const all = await core.listPodForAllNamespaces();
    expect(all.items.length).toBeGreaterThanOrEqual(8);
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThan(0);

    const byId = await core.listPodForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id=ai-gateway',
    });
    expect(byId.items.length).toBeGreaterThanOrEqual(3);
    expect(
      byId.items.every(
        p =>
          p.metadata?.labels?.['backstage.io/kubernetes-id'] === 'ai-gateway',
      ),
    ).toBe(true);

    const stable = await core.listNamespacedPod({
      namespace: 'ai-gateway',
      labelSelector:
        'track in (stable),app.kubernetes.io/name==ai-gateway,!nope',
    });
    expect(stable.items).toHaveLength(3);
    const notStable = await core.listNamespacedPod({
      namespace: 'ai-gateway',
      labelSelector: 'track notin (stable)',
    });
    expect(
      notStable.items.every(p => p.metadata?.labels?.track === 'canary'),
    ).toBe(true);
    const withTrack = await core.listNamespacedPod({
      namespace: 'checkout-api',
      labelSelector: 'track',
    });
    expect(withTrack.items).toHaveLength(3);
    const neq = await core.listNamespacedPod({
      namespace: 'checkout-api',
      labelSelector: 'track!=stable',
    });
    expect(neq.items).toHaveLength(0);

    const one = all.items.find(p => p.metadata?.namespace === 'checkout-api')!;
    const byName = await core.listPodForAllNamespaces({
      fieldSelector: `metadata.name=${one.metadata!.name}`,
    });
    expect(byName.items.map(p => p.metadata?.name)).toEqual([
      one.metadata!.name,
    ]);
    const byNs = await core.listPodForAllNamespaces({
      fieldSelector: 'metadata.namespace=checkout-api,status.phase=Running',
    });
    expect(byNs.items).toHaveLength(3);
    const byNode = await core.listPodForAllNamespaces({
      fieldSelector: `spec.nodeName=${one.spec!.nodeName}`,
    });
    expect(
      byNode.items.every(p => p.spec?.nodeName === one.spec!.nodeName),
    ).toBe(true);
    const notRunning = await core.listPodForAllNamespaces({
      fieldSelector: 'status.phase!=Running,metadata.namespace=checkout-api',
    });
    expect(notRunning.items).toHaveLength(0);
  });

  it('pages with limit and continue', async () => {
    const core = kubeConfigFor(sandbox, 'gke-prod-us-east1').makeApiClient(
      CoreV1Api,
    );
    const total = (await core.listPodForAllNamespaces()).items.length;
    const seen: string[] = [];
    let cont: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({
        limit: 2,
        _continue: cont,
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(
        ...page.items.map(p => `${p.metadata?.namespace}/${p.metadata?.name}`),
      );
      cont = page.metadata?._continue;
    } while (cont);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('answers a wrong or missing token with 401 Status', async () => {
    const core = kubeConfigFor(
      sandbox,
      'gke-prod-us-east1',
      'wrong-token',
    ).makeApiClient(CoreV1Api);
    await expect(core.listNamespace()).rejects.toMatchObject({ code: 401 });
  });

  it('rejects malformed objects with 422 Invalid and causes', async () => {
    const core = kubeConfigFor(sandbox, 'gke-prod-us-east1').makeApiClient(
      CoreV1Api,
    );
    const err = await core
      .createNamespacedConfigMap({
        namespace: 'ai-gateway',
        body: { metadata: { name: 'Bad_Name' }, data: {} },
      })
      .catch(e => e);
    expect(err.code).toBe(422);
    const status = statusOf(err);
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
    });
    expect(status.details?.causes).toEqual([
      expect.objectContaining({
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
      }),
    ]);

    const missing = await core
      .createNamespacedConfigMap({
        namespace: 'ai-gateway',
        body: { metadata: {} },
      })
      .catch(e => e);
    expect(missing.code).toBe(422);
    expect(statusOf(missing).details?.causes?.[0]).toMatchObject({
      field: 'metadata.name',
      reason: 'FieldValueRequired',
    });

    const wrongNs = await core
      .createNamespacedConfigMap({
        namespace: 'ai-gateway',
        body: { metadata: { name: 'x', namespace: 'checkout-api' } },
      })
      .catch(e => e);
    expect(wrongNs.code).toBe(422);
    expect(statusOf(wrongNs).details?.causes?.[0].field).toBe(
      'metadata.namespace',
    );

    const client = KubernetesObjectApi.makeApiClient(
      kubeConfigFor(sandbox, 'gke-prod-us-east1'),
    );
    const apps = kubeConfigFor(sandbox, 'gke-prod-us-east1').makeApiClient(
      AppsV1Api,
    );
    const badDeploy = await apps
      .createNamespacedDeployment({
        namespace: 'ai-gateway',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'bad' },
          spec: {
            selector: { matchLabels: { a: 'b' } },
            template: {
              metadata: { labels: { a: 'c' } },
              spec: { containers: [] },
            },
          },
        },
      })
      .catch(e => e);
    expect(badDeploy.code).toBe(422);
    expect(statusOf(badDeploy).details?.causes?.map(c => c.field)).toEqual([
      'spec.template.metadata.labels',
      'spec.template.spec.containers',
    ]);
    void client;
  });

  it('answers unknown resources and objects with 404 NotFound, duplicates with 409 AlreadyExists', async () => {
    const core = kubeConfigFor(sandbox, 'gke-prod-us-east1').makeApiClient(
      CoreV1Api,
    );
    const missing = await core
      .readNamespacedPod({ namespace: 'ai-gateway', name: 'nope' })
      .catch(e => e);
    expect(missing.code).toBe(404);
    expect(statusOf(missing)).toMatchObject({
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
    });

    const client = KubernetesObjectApi.makeApiClient(
      kubeConfigFor(sandbox, 'gke-prod-us-east1'),
    );
    await expect(
      client.read({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'x', namespace: 'default' },
      }),
    ).rejects.toThrow();

    const body = { metadata: { name: 'dup' }, data: { a: '1' } };
    await core.createNamespacedConfigMap({ namespace: 'default', body });
    const dup = await core
      .createNamespacedConfigMap({ namespace: 'default', body })
      .catch(e => e);
    expect(dup.code).toBe(409);
    expect(statusOf(dup).reason).toBe('AlreadyExists');

    const noNs = await core
      .createNamespacedConfigMap({ namespace: 'ghost', body })
      .catch(e => e);
    expect(noNs.code).toBe(404);
  });

  it('updates with resourceVersion conflicts, deletes with Status and cascades to dependents', async () => {
    const kc = kubeConfigFor(sandbox, 'gke-prod-us-east1');
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'conf' }, data: { a: '1' } },
    });
    const updated = await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'conf',
      body: { ...cm, data: { a: '2' } },
    });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(
      Number(cm.metadata!.resourceVersion),
    );
    const stale = await core
      .replaceNamespacedConfigMap({
        namespace: 'default',
        name: 'conf',
        body: { ...cm, data: { a: '3' } },
      })
      .catch(e => e);
    expect(stale.code).toBe(409);
    expect(statusOf(stale).reason).toBe('Conflict');

    const status = await core.deleteNamespacedConfigMap({
      namespace: 'default',
      name: 'conf',
    });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success' });

    const rsBefore = await apps.listNamespacedReplicaSet({
      namespace: 'checkout-api',
    });
    expect(rsBefore.items.length).toBe(1);
    await apps.deleteNamespacedDeployment({
      namespace: 'checkout-api',
      name: 'checkout-api',
    });
    expect(
      (await apps.listNamespacedReplicaSet({ namespace: 'checkout-api' }))
        .items,
    ).toHaveLength(0);
    expect(
      (await core.listNamespacedPod({ namespace: 'checkout-api' })).items,
    ).toHaveLength(0);
  });

  it('serves pod metrics derived from running pods', async () => {
    const kc = kubeConfigFor(sandbox, 'gke-prod-us-east1');
    const client = KubernetesObjectApi.makeApiClient(kc);
    const list = await client.list<
      KubernetesObject & Pick<PodMetric, 'containers'>
    >('metrics.k8s.io/v1beta1', 'PodMetrics', 'ai-gateway');
    expect(list.items.length).toBeGreaterThanOrEqual(3);
    expect(list.items[0].containers[0].usage.cpu).toMatch(/n$/);
  });
});
