import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { startSandbox, Sandbox } from '../sandbox';
import { eventually, FAST, kubeConfigFor } from '../__testUtils__/kube';

const NS = 'ai-gateway';
const HR_KIND = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
};
const ROUTE_KIND = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
};

type Values = Record<string, unknown>;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface HelmReleaseStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  history?: Array<{ version: number; status: string; chartVersion: string }>;
  lastAttemptedConfigDigest?: string;
  lastAttemptedReleaseAction?: string;
  installFailures?: number;
  upgradeFailures?: number;
}
type HelmRelease = KubernetesObject & { status?: HelmReleaseStatus };
interface BackendRef {
  name: string;
  weight: number;
}
type HttpRoute = KubernetesObject & {
  spec: {
    hostnames: string[];
    parentRefs: Array<{ name: string; namespace?: string }>;
    rules: Array<{ backendRefs: BackendRef[] }>;
  };
};

function values(overrides: Values = {}): Values {
  return {
    service: 'ai-gateway',
    release: 'r1',
    stage: 'main',
    image: { repository: 'registry.example.com/ai-gateway', tag: '1.0.0' },
    containerPort: 8080,
    replicas: { min: 2, max: 4 },
    resources: { limits: { cpu: '1', memory: '512Mi' } },
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      {
        name: 'DB_PASSWORD',
        vault: { path: 'secret/data/ai-gateway/db', key: 'password' },
      },
    ],
    probes: {
      startup: { path: '/healthz', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/healthz', periodSeconds: 10, failureThreshold: 3 },
    },
    serviceAccountName: 'ai-gateway',
    registrationTokenSecret: 'ai-gateway-runway-registration',
    canary: {
      enabled: true,
      weight: 10,
      replicas: 1,
      image: { repository: 'registry.example.com/ai-gateway', tag: '1.1.0' },
    },
    route: {
      hostnames: ['ai-gateway.flux-test.example.com'],
      gateway: { name: 'external-gateway', namespace: 'gateway-system' },
    },
    ...overrides,
  };
}

function helmRelease(v: Values, name = 'ai-gateway'): KubernetesObject {
  return {
    ...HR_KIND,
    metadata: { name, namespace: NS },
    spec: {
      interval: '5m',
      releaseName: name,
      chart: {
        spec: {
          chart: 'runway-service',
          version: '1.4.0',
          sourceRef: {
            kind: 'HelmRepository',
            name: 'runway-charts',
            namespace: 'flux-system',
          },
        },
      },
      values: v,
    },
  } as KubernetesObject;
}

describe('kubernetes imitation: Flux helm-controller and the Runway chart', () => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  let objects: KubernetesObjectApi;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'flux-test' }],
      demo: false,
      timings: FAST,
    });
    kc = kubeConfigFor(sandbox);
    apps = kc.makeApiClient(AppsV1Api);
    core = kc.makeApiClient(CoreV1Api);
    objects = KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(() => sandbox.stop());
  beforeEach(async () => {
    await sandbox.control['flux-test'].reset();
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });

  const readHr = async (name = 'ai-gateway') =>
    (await objects.read({
      ...HR_KIND,
      metadata: { name, namespace: NS },
    })) as HelmRelease;
  const readRoute = async () =>
    (await objects.read({
      ...ROUTE_KIND,
      metadata: { name: 'ai-gateway', namespace: NS },
    })) as HttpRoute;
  const weights = (r: HttpRoute) =>
    r.spec.rules[0].backendRefs.map(b => [b.name, b.weight]);
  const condition = (hr: HelmRelease, type: string) =>
    hr.status?.conditions?.find(c => c.type === type);

  /** The HelmRelease, once its current generation has been reconciled with this outcome. */
  const reconciled = (reason: string, name = 'ai-gateway') =>
    eventually(
      async () => {
        const hr = await readHr(name);
        expect(hr.status?.observedGeneration).toBe(hr.metadata?.generation);
        expect(condition(hr, 'Ready')?.reason).toBe(reason);
        return hr;
      },
      { timeoutMs: 8000 },
    );

  /** Every pod of the release Ready, the Deployments complete. */
  const rolledOut = (deployments: Record<string, string>) =>
    eventually(
      async () => {
        for (const [name, image] of Object.entries(deployments)) {
          const d = await apps.readNamespacedDeployment({
            namespace: NS,
            name,
          });
          const want = d.spec?.replicas ?? 0;
          expect(d.spec?.template.spec?.containers[0].image).toBe(image);
          expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
          expect(d.status?.updatedReplicas ?? 0).toBe(want);
          expect(d.status?.availableReplicas ?? 0).toBe(want);
          expect(d.status?.replicas ?? 0).toBe(want);
          const track = d.spec?.selector.matchLabels?.track;
          const pods = await core.listNamespacedPod({
            namespace: NS,
            labelSelector: `app.kubernetes.io/name=ai-gateway,track=${track}`,
          });
          expect(pods.items).toHaveLength(want);
          for (const p of pods.items) {
            expect(p.spec?.containers[0].image).toBe(image);
            expect(
              p.status?.conditions?.find(c => c.type === 'Ready')?.status,
            ).toBe('True');
          }
        }
      },
      { timeoutMs: 10000 },
    );

  const releaseObjects = async () => {
    const selector =
      'helm.toolkit.fluxcd.io/name=ai-gateway,helm.toolkit.fluxcd.io/namespace=ai-gateway';
    const [d, s, r] = await Promise.all([
      apps.listNamespacedDeployment({ namespace: NS, labelSelector: selector }),
      core.listNamespacedService({ namespace: NS, labelSelector: selector }),
      objects.list(
        ROUTE_KIND.apiVersion,
        ROUTE_KIND.kind,
        NS,
        undefined,
        undefined,
        undefined,
        undefined,
        selector,
      ),
    ]);
    return {
      deployments: d.items.map(x => x.metadata!.name).sort(),
      services: s.items.map(x => x.metadata!.name).sort(),
      routes: r.items.map(x => x.metadata!.name).sort(),
    };
  };

  it('installs: stable and canary Deployments, three Services, an HTTPRoute 90/10; pods roll out; Ready', async () => {
    await objects.create(helmRelease(values()));
    const hr = await reconciled('InstallSucceeded');
    expect(condition(hr, 'Ready')).toMatchObject({
      status: 'True',
      message:
        'Helm install succeeded for release ai-gateway/ai-gateway.v1 with chart runway-service@1.4.0',
    });
    expect(condition(hr, 'Released')).toMatchObject({
      status: 'True',
      reason: 'InstallSucceeded',
    });
    expect(hr.status?.history).toEqual([
      expect.objectContaining({
        version: 1,
        status: 'deployed',
        chartVersion: '1.4.0',
      }),
    ]);
    expect(hr.status?.lastAttemptedConfigDigest).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    );
    expect(hr.status?.lastAttemptedReleaseAction).toBe('install');

    expect(await releaseObjects()).toEqual({
      deployments: ['ai-gateway', 'ai-gateway-canary'],
      services: ['ai-gateway', 'ai-gateway-canary', 'ai-gateway-stable'],
      routes: ['ai-gateway'],
    });
    const route = await readRoute();
    expect(weights(route)).toEqual([
      ['ai-gateway-stable', 90],
      ['ai-gateway-canary', 10],
    ]);
    expect(route.spec.hostnames).toEqual(['ai-gateway.flux-test.example.com']);
    expect(route.spec.parentRefs[0]).toMatchObject({
      name: 'external-gateway',
      namespace: 'gateway-system',
    });

    const stable = await apps.readNamespacedDeployment({
      namespace: NS,
      name: 'ai-gateway',
    });
    expect(stable.spec?.replicas).toBe(2);
    expect(stable.metadata?.labels).toMatchObject({
      'runway.gitlab.com/service': 'ai-gateway',
      'runway.gitlab.com/stage': 'main',
      'runway.gitlab.com/release': 'r1',
      track: 'stable',
      'backstage.io/kubernetes-id': 'ai-gateway',
      'app.kubernetes.io/name': 'ai-gateway',
      'app.kubernetes.io/managed-by': 'Helm',
      'helm.toolkit.fluxcd.io/name': 'ai-gateway',
      'helm.toolkit.fluxcd.io/namespace': 'ai-gateway',
    });
    expect(
      stable.metadata?.managedFields?.some(
        m => m.manager === 'helm-controller',
      ),
    ).toBe(true);
    const pod = stable.spec!.template;
    expect(pod.metadata?.annotations).toMatchObject({
      'vault.hashicorp.com/agent-inject-secret-DB_PASSWORD':
        'secret/data/ai-gateway/db',
    });
    const container = pod.spec!.containers[0];
    expect(container).toMatchObject({
      name: 'ai-gateway',
      image: 'registry.example.com/ai-gateway:1.0.0',
      ports: [{ containerPort: 8080 }],
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      resources: { limits: { cpu: '1', memory: '512Mi' } },
      startupProbe: { httpGet: { path: '/healthz', port: 8080 } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    });
    expect(pod.spec?.serviceAccountName).toBe('ai-gateway');

    await rolledOut({
      'ai-gateway': 'registry.example.com/ai-gateway:1.0.0',
      'ai-gateway-canary': 'registry.example.com/ai-gateway:1.1.0',
    });
  });

  it('upgrades: new weights and image roll out; a bad upgrade leaves the release as it was; disabling the canary prunes its objects', async () => {
    await objects.create(helmRelease(values()));
    await reconciled('InstallSucceeded');
    await rolledOut({
      'ai-gateway': 'registry.example.com/ai-gateway:1.0.0',
      'ai-gateway-canary': 'registry.example.com/ai-gateway:1.1.0',
    });
    const before = await apps.readNamespacedDeployment({
      namespace: NS,
      name: 'ai-gateway',
    });

    const upgraded = values({
      release: 'r2',
      image: { repository: 'registry.example.com/ai-gateway', tag: '1.1.0' },
      canary: {
        enabled: true,
        weight: 50,
        replicas: 1,
        image: { repository: 'registry.example.com/ai-gateway', tag: '1.2.0' },
      },
    });
    await objects.replace({
      ...(await readHr()),
      spec: { ...(helmRelease(upgraded) as { spec: object }).spec },
    } as KubernetesObject);
    let hr = await reconciled('UpgradeSucceeded');
    expect(hr.status?.history?.map(h => [h.version, h.status])).toEqual([
      [2, 'deployed'],
      [1, 'superseded'],
    ]);
    expect(weights(await readRoute())).toEqual([
      ['ai-gateway-stable', 50],
      ['ai-gateway-canary', 50],
    ]);
    await rolledOut({
      'ai-gateway': 'registry.example.com/ai-gateway:1.1.0',
      'ai-gateway-canary': 'registry.example.com/ai-gateway:1.2.0',
    });
    const after = await apps.readNamespacedDeployment({
      namespace: NS,
      name: 'ai-gateway',
    });
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(
      after.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('2');
    expect(after.metadata?.labels?.['runway.gitlab.com/release']).toBe('r2');

    // A failed upgrade touches nothing.
    const routeBefore = await readRoute();
    await objects.replace({
      ...(await readHr()),
      spec: {
        ...(
          helmRelease({
            ...upgraded,
            canary: { enabled: true, weight: 150 },
          }) as {
            spec: object;
          }
        ).spec,
      },
    } as KubernetesObject);
    hr = await reconciled('UpgradeFailed');
    expect(condition(hr, 'Ready')?.status).toBe('False');
    expect(condition(hr, 'Released')?.reason).toBe('UpgradeFailed');
    expect(condition(hr, 'Ready')?.message).toContain(
      '- canary.weight: Must be less than or equal to 100',
    );
    expect(hr.status?.upgradeFailures).toBe(1);
    expect(hr.status?.history?.[0]).toMatchObject({
      version: 2,
      status: 'deployed',
    });
    const routeAfter = await readRoute();
    expect(routeAfter.metadata?.resourceVersion).toBe(
      routeBefore.metadata?.resourceVersion,
    );

    // Canary off: its Deployment and Services go, the route sends 100% to the service.
    await objects.replace({
      ...(await readHr()),
      spec: {
        ...(
          helmRelease({
            ...upgraded,
            canary: { enabled: false, weight: 0, replicas: 1 },
          }) as { spec: object }
        ).spec,
      },
    } as KubernetesObject);
    hr = await reconciled('UpgradeSucceeded');
    expect(hr.status?.history?.[0]).toMatchObject({ version: 3 });
    expect(await releaseObjects()).toEqual({
      deployments: ['ai-gateway'],
      services: ['ai-gateway'],
      routes: ['ai-gateway'],
    });
    expect(weights(await readRoute())).toEqual([['ai-gateway', 100]]);
    await eventually(async () => {
      const pods = await core.listNamespacedPod({
        namespace: NS,
        labelSelector: 'track=canary',
      });
      expect(pods.items).toHaveLength(0);
    });
  });

  it('fails an install with bad values: Ready=False InstallFailed naming the value path, no objects', async () => {
    await objects.create(
      helmRelease(values({ replicas: { min: 3, max: 2 }, containerPort: 0 })),
    );
    const hr = await reconciled('InstallFailed');
    for (const type of ['Ready', 'Released']) {
      expect(condition(hr, type)).toMatchObject({
        status: 'False',
        reason: 'InstallFailed',
      });
    }
    const message = condition(hr, 'Ready')!.message;
    expect(message).toBe(
      "Helm install failed for release ai-gateway/ai-gateway with chart runway-service@1.4.0: values don't meet the specifications of the schema(s) in the following chart(s):\nrunway-service:\n- containerPort: Must be greater than or equal to 1\n- replicas.max: must be >= replicas.min",
    );
    expect(hr.status?.installFailures).toBe(1);
    expect(hr.status?.history).toBeUndefined();
    expect(await releaseObjects()).toEqual({
      deployments: [],
      services: [],
      routes: [],
    });

    // Missing and mistyped values name their paths too.
    const { service: _s, ...noService } = values();
    await objects.create(
      helmRelease(
        {
          ...noService,
          image: { repository: 'x' },
          replicas: { min: '1', max: 2 },
        },
        'other',
      ),
    );
    const other = await reconciled('InstallFailed', 'other');
    const msg = condition(other, 'Ready')!.message;
    expect(msg).toContain('- service: is required');
    expect(msg).toContain('- image.tag: is required');
    expect(msg).toContain(
      '- replicas.min: Invalid type. Expected: integer, given: string',
    );
  });

  it('uninstalls: deleting the HelmRelease deletes what it rendered, pods included', async () => {
    await objects.create(helmRelease(values()));
    await reconciled('InstallSucceeded');
    await rolledOut({
      'ai-gateway': 'registry.example.com/ai-gateway:1.0.0',
      'ai-gateway-canary': 'registry.example.com/ai-gateway:1.1.0',
    });
    await objects.delete({
      ...HR_KIND,
      metadata: { name: 'ai-gateway', namespace: NS },
    });
    await eventually(async () => {
      expect(await releaseObjects()).toEqual({
        deployments: [],
        services: [],
        routes: [],
      });
      const rs = await apps.listNamespacedReplicaSet({ namespace: NS });
      expect(rs.items).toHaveLength(0);
      const pods = await core.listNamespacedPod({ namespace: NS });
      expect(pods.items).toHaveLength(0);
    });
  });

  it('takes the HelmRelease by server-side apply (fieldManager groundcrew), and re-applies change the release', async () => {
    const apply = (v: Values) =>
      objects.patch(
        helmRelease(v),
        undefined,
        undefined,
        'groundcrew',
        true,
        PatchStrategy.ServerSideApply,
      );
    const created = await apply(values({ canary: undefined }));
    expect(
      created.metadata?.managedFields?.find(m => m.manager === 'groundcrew')
        ?.operation,
    ).toBe('Apply');
    let hr = await reconciled('InstallSucceeded');
    expect(weights(await readRoute())).toEqual([['ai-gateway', 100]]);

    // The same apply again: no new generation, no new Helm release.
    const again = await apply(values({ canary: undefined }));
    expect(again.metadata?.generation).toBe(1);

    await apply(values());
    hr = await reconciled('UpgradeSucceeded');
    expect(hr.metadata?.generation).toBe(2);
    expect(
      hr.metadata?.managedFields?.map(m => [m.manager, m.operation]),
    ).toEqual(
      expect.arrayContaining([
        ['groundcrew', 'Apply'],
        ['helm-controller', 'Update'],
      ]),
    );
    expect(weights(await readRoute())).toEqual([
      ['ai-gateway-stable', 90],
      ['ai-gateway-canary', 10],
    ]);
  });

  it('refuses to adopt an object another owner made, and keeps other charts as before', async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'ai-gateway' },
        spec: {
          selector: { matchLabels: { app: 'x' } },
          template: {
            metadata: { labels: { app: 'x' } },
            spec: { containers: [{ name: 'x', image: 'x:1' }] },
          },
        },
      },
    });
    await objects.create(helmRelease(values()));
    const hr = await reconciled('InstallFailed');
    expect(condition(hr, 'Ready')?.message).toContain(
      'Unable to continue with install: Deployment "ai-gateway" in namespace "ai-gateway" exists and cannot be imported into the current release: invalid ownership metadata',
    );
    expect((await releaseObjects()).services).toEqual([]);

    await objects.create({
      ...HR_KIND,
      metadata: { name: 'podinfo', namespace: NS },
      spec: { chart: { spec: { chart: 'podinfo', version: '6.5.0' } } },
    } as KubernetesObject);
    const plain = await reconciled('InstallSucceeded', 'podinfo');
    expect(condition(plain, 'Ready')?.status).toBe('True');
  });
});
