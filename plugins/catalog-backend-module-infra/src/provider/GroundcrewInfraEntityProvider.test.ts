import https from 'node:https';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  gcpServiceFactory,
  gcpServiceRef,
  kubernetesCacheServiceRef,
  kubernetesFleetServiceFactory,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import {
  recordingLogger,
  sandboxAppConfig,
  startServicesBackend,
} from '@groundcrew/plugin-infra-node/testUtils';
import type { Sandbox } from '@groundcrew/sandbox';
import { startInfraSandbox } from '../__testUtils__/infraSandbox';
import { GroundcrewInfraEntityProvider } from './GroundcrewInfraEntityProvider';

/** A Runway service as runway:service:create turns it up: namespace and HelmRelease, owned. */
function runwayObjects(service: string, owner: string) {
  const labels = {
    'runway.gitlab.com/service': service,
    'runway.gitlab.com/stage': 'main',
    'groundcrew.io/owner': owner,
    'app.kubernetes.io/managed-by': 'groundcrew',
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: service,
        labels: {
          'runway.gitlab.com/stage': 'main',
          'groundcrew.io/owner': owner,
        },
      },
    },
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: service, namespace: service, labels },
      spec: {
        interval: '5m',
        releaseName: service,
        chart: {
          spec: {
            chart: 'runway-service',
            version: '1.0.0',
            sourceRef: {
              kind: 'HelmRepository',
              name: 'runway-charts',
              namespace: 'flux-system',
            },
          },
        },
        values: { service },
      },
    },
  ];
}

function recordingConnection() {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async m => {
      mutations.push(m);
    },
    refresh: async () => undefined,
  };
  const entities = (): Entity[] => {
    const last = mutations[mutations.length - 1];
    if (!last) return [];
    return (last.type === 'full' ? last.entities : last.added).map(
      e => e.entity,
    );
  };
  const find = (kind: string, name: string) =>
    entities().find(e => e.kind === kind && e.metadata.name === name);
  return { connection, mutations, entities, find };
}

const EXAMPLE_AI_GATEWAY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ai-gateway',
    namespace: 'default',
    annotations: {
      'groundcrew.io/runway-service': 'ai-gateway',
      'backstage.io/managed-by-location': 'file:/examples/services.yaml',
    },
  },
  spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
};

describe('GroundcrewInfraEntityProvider against the sandbox (GCP + Kubernetes)', () => {
  let sandbox: Sandbox;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  async function startBackend() {
    return startServicesBackend({
      data: sandboxAppConfig(sandbox, {
        clusterLabels: ({ name }): Record<string, string> =>
          name === 'gke-prod-us-east1'
            ? { environment: 'production', region: 'us-east1', class: 'pet' }
            : { environment: 'ops', class: 'sheep' },
      }),
      features: [gcpServiceFactory, kubernetesFleetServiceFactory],
      refs: {
        gcp: gcpServiceRef,
        fleet: kubernetesFleetServiceRef,
        cache: kubernetesCacheServiceRef,
      },
    });
  }

  function provider(
    options: {
      graceMs?: number;
      now?: () => number;
      catalogEntities?: Entity[];
    } = {},
  ) {
    const logger = recordingLogger();
    const p = GroundcrewInfraEntityProvider.create({
      ...backend.services,
      catalog: catalogServiceMock({
        entities: options.catalogEntities ?? [EXAMPLE_AI_GATEWAY],
      }),
      auth: mockServices.auth(),
      logger,
      platformGroup: 'group:default/platform',
      serviceGracePeriodMs: options.graceMs ?? 0,
      now: options.now,
    });
    return { provider: p, logger };
  }

  /** A raw Resource Manager v3 DELETE, as `gcloud projects delete` sends it. */
  function deleteProject(projectId: string) {
    const url = new URL(`/v3/projects/${projectId}`, sandbox.gcp!.url);
    return new Promise<number>((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'DELETE',
          ca: sandbox.kubernetes.caPem,
          headers: { authorization: `Bearer ${sandbox.gcp!.token}` },
        },
        res => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    sandbox = await startInfraSandbox({
      clusters: [
        {
          name: 'gke-prod-us-east1',
          labels: { environment: 'production', region: 'us-east1' },
        },
        { name: 'gke-ops', labels: { environment: 'ops' } },
      ],
      token: 'infra-provider-kube-token',
      objects: runwayObjects('prompt-router', 'team-ai'),
    });
    backend = await startBackend();
    await backend.services.cache.waitForSync(20_000);
    // Runway services on Cloud Run, as runway:service:create labels them. `_nobody` is a valid
    // GCP label value but not a group name.
    for (const [name, owner] of [
      ['docs-api', 'team-commerce'],
      ['odd-owner', '_nobody'],
    ]) {
      await backend.services.gcp.createRunService(
        { projectId: 'groundcrew-demo', location: 'us-east1', name },
        {
          labels: {
            'runway-service': name,
            'groundcrew-owner': owner,
            'managed-by': 'groundcrew',
          },
          template: {
            image: `registry.gitlab.com/groundcrew/${name}:1.0.0`,
            containerPort: 8080,
            env: [],
            minInstances: 0,
            maxInstances: 2,
          },
          traffic: [],
        },
      );
    }
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.stop();
  });

  it('emits projects, clusters (GKE and fleet merged) and Runway services with owners and relations', async () => {
    const { provider: p, logger } = provider();
    const rec = recordingConnection();
    await p.connect(rec.connection);
    await p.refresh();

    expect(rec.mutations).toHaveLength(1);
    expect(rec.mutations[0].type).toBe('full');

    const project = rec.find('Resource', 'groundcrew-demo')!;
    expect(project.spec).toEqual({
      type: 'gcp-project',
      owner: 'group:default/platform',
    });
    expect(project.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'groundcrew-infra:gcp',
      'backstage.io/managed-by-origin-location': 'groundcrew-infra:gcp',
      'groundcrew.io/gcp-project': 'groundcrew-demo',
      'groundcrew.io/gcp-parent': 'folders/1001',
    });
    expect(project.metadata.annotations).not.toHaveProperty(
      'groundcrew.io/unowned',
    );
    expect(project.metadata.labels).toEqual({
      'groundcrew.io/environment': 'production',
    });
    // A project in an organization Groundcrew cannot see is not there.
    expect(rec.find('Resource', 'taken-elsewhere')).toBeUndefined();

    // Known to GKE and to the fleet: one entity, with the fleet's class and the project's owner.
    const prod = rec.find('Resource', 'gke-prod-us-east1')!;
    expect(prod.spec).toEqual({
      type: 'kubernetes-cluster',
      owner: 'group:default/platform',
      dependsOn: ['resource:default/groundcrew-demo'],
    });
    expect(prod.metadata.labels).toEqual({
      'groundcrew.io/class': 'pet',
      'groundcrew.io/environment': 'production',
      'groundcrew.io/region': 'us-east1',
    });
    expect(prod.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'groundcrew-infra:gcp',
      'groundcrew.io/cluster': 'gke-prod-us-east1',
      'groundcrew.io/cluster-sources': 'gke,fleet',
      'groundcrew.io/gcp-project': 'groundcrew-demo',
      'groundcrew.io/region': 'us-east1',
      'groundcrew.io/gke-status': 'RUNNING',
    });
    // `sheep` is no class: the label is left out with a warning, the cluster stays.
    const ops = rec.find('Resource', 'gke-ops')!;
    expect(ops.metadata.labels).not.toHaveProperty('groundcrew.io/class');
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/gke-ops has class "sheep"/),
    );

    // Owned through the labels runway:service:create writes.
    const router = rec.find('Component', 'prompt-router')!;
    expect(router.spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-ai',
      dependsOn: [
        'resource:default/gke-ops',
        'resource:default/gke-prod-us-east1',
        'resource:default/groundcrew-demo',
      ],
    });
    expect(router.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'groundcrew-infra:kubernetes',
      'groundcrew.io/runway-service': 'prompt-router',
      'backstage.io/kubernetes-id': 'prompt-router',
      'groundcrew.io/clusters': 'gke-ops,gke-prod-us-east1',
      'backstage.io/kubernetes-namespace': 'prompt-router',
      'groundcrew.io/gcp-project': 'groundcrew-demo',
    });
    // No owner label in the demo's namespaces: the platform group, flagged.
    const checkout = rec.find('Component', 'checkout-api')!;
    expect(checkout.spec?.owner).toBe('group:default/platform');
    expect(checkout.metadata.annotations?.['groundcrew.io/unowned']).toBe(
      'true',
    );
    // On Cloud Run, owned through its label.
    const docs = rec.find('Component', 'docs-api')!;
    expect(docs.spec).toMatchObject({
      owner: 'group:default/team-commerce',
      dependsOn: ['resource:default/groundcrew-demo'],
    });
    expect(docs.metadata.tags).toEqual(['runway', 'cloud-run']);
    // Not Runway: the demo's docs-preview has no runway-service label.
    expect(rec.find('Component', 'docs-preview')).toBeUndefined();
    // Already in the catalog from examples/: not emitted twice.
    expect(rec.find('Component', 'ai-gateway')).toBeUndefined();
    expect(p.status().lastRun?.deferredServices).toContain('ai-gateway');

    // A malformed owner label skips that one service, with a warning.
    expect(rec.find('Component', 'odd-owner')).toBeUndefined();
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^WARN Runway service odd-owner has an owner label in Cloud Run service odd-owner .* not a group name; skipped/,
      ),
    );
    expect(p.status().lastRun?.skipped).toHaveLength(2);
  });

  it('a malformed project label skips that project only; a deleted project leaves the catalog', async () => {
    const { gcp } = backend.services;
    await gcp.createProject({
      projectId: 'infra-bad-label',
      displayName: 'Bad label',
      parent: 'folders/1002',
      labels: { team: '_nobody' },
    });
    await gcp.createProject({
      projectId: 'infra-short-lived',
      displayName: 'Short-lived',
      parent: 'folders/1002',
      labels: { team: 'team-ai', environment: 'development' },
    });
    const { provider: p, logger } = provider();
    const rec = recordingConnection();
    await p.connect(rec.connection);
    await p.refresh();
    expect(rec.find('Resource', 'infra-bad-label')).toBeUndefined();
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/GCP project infra-bad-label has an owner label/),
    );
    expect(rec.find('Resource', 'infra-short-lived')?.spec?.owner).toBe(
      'group:default/team-ai',
    );
    expect(rec.find('Resource', 'groundcrew-demo')).toBeDefined();

    expect(await deleteProject('infra-short-lived')).toBe(200);
    for (let i = 0; i < 50; i++) {
      const now = await gcp.getProject('infra-short-lived');
      if (now?.state !== 'ACTIVE') break;
      await new Promise(r => setTimeout(r, 20));
    }
    await p.refresh();
    expect(rec.mutations[1].type).toBe('full');
    expect(rec.find('Resource', 'infra-short-lived')).toBeUndefined();
    expect(rec.find('Resource', 'groundcrew-demo')).toBeDefined();
  });

  it('a GCP outage keeps the last good projects, clusters and Cloud Run services, and says so', async () => {
    const { provider: p, logger } = provider();
    const rec = recordingConnection();
    await p.connect(rec.connection);
    await p.refresh();
    const before = rec.entities().map(e => `${e.kind}:${e.metadata.name}`);
    expect(before).toContain('Resource:groundcrew-demo');
    expect(before).toContain('Component:docs-api');

    await sandbox.gcp!.control.down();
    try {
      await p.refresh();
    } finally {
      await sandbox.gcp!.control.up();
    }
    expect(rec.mutations).toHaveLength(2);
    expect(rec.mutations[1].type).toBe('full');
    expect(rec.entities().map(e => `${e.kind}:${e.metadata.name}`)).toEqual(
      before,
    );
    const gcpStatus = p.status().sources.find(s => s.source === 'gcp')!;
    expect(gcpStatus).toMatchObject({
      usingLastGood: true,
      lastError: { message: expect.any(String) },
      lastSuccess: expect.any(String),
    });
    expect(gcpStatus.entityCount).toBeGreaterThanOrEqual(2);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^WARN Groundcrew infrastructure source gcp failed; its last good answer/,
      ),
    );
    // Back up: the next run reads GCP again.
    await p.refresh();
    expect(p.status().sources.find(s => s.source === 'gcp')).toMatchObject({
      usingLastGood: false,
    });
  });

  it('an unreachable cluster keeps its services; a source that never answered removes nothing', async () => {
    const { provider: p } = provider();
    const rec = recordingConnection();
    await p.connect(rec.connection);
    await p.refresh();
    expect(
      rec.find('Component', 'search-indexer')?.metadata.annotations?.[
        'groundcrew.io/clusters'
      ],
    ).toBe('gke-ops,gke-prod-us-east1');

    const { cache } = backend.services;
    await sandbox.control['gke-ops'].down();
    try {
      for (let i = 0; i < 300; i++) {
        if (
          cache.clusters().find(c => c.name === 'gke-ops')?.state ===
          'unreachable'
        )
          break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(cache.clusters().find(c => c.name === 'gke-ops')?.state).toBe(
        'unreachable',
      );
      await p.refresh();
      expect(
        rec.find('Component', 'search-indexer')?.metadata.annotations?.[
          'groundcrew.io/clusters'
        ],
      ).toBe('gke-ops,gke-prod-us-east1');
      expect(
        p.status().sources.find(s => s.source === 'kubernetes:gke-ops'),
      ).toMatchObject({ usingLastGood: true, entityCount: 2 });

      // A fresh provider (a restart) has no last good view of gke-ops: a delta, nothing removed.
      const fresh = provider();
      const rec2 = recordingConnection();
      await fresh.provider.connect(rec2.connection);
      await fresh.provider.refresh();
      expect(rec2.mutations).toHaveLength(1);
      expect(rec2.mutations[0]).toMatchObject({ type: 'delta', removed: [] });
      expect(fresh.provider.status().lastRun?.mutation).toBe('delta');
      expect(rec2.find('Resource', 'groundcrew-demo')).toBeDefined();
    } finally {
      await sandbox.control['gke-ops'].up();
    }
  });

  it('a new service waits out the grace period unless it is already ours in the catalog', async () => {
    let now = 1_000_000;
    const { provider: p } = provider({
      graceMs: 60_000,
      now: () => now,
      catalogEntities: [
        EXAMPLE_AI_GATEWAY,
        {
          ...EXAMPLE_AI_GATEWAY,
          metadata: {
            name: 'checkout-api',
            namespace: 'default',
            annotations: {
              'backstage.io/managed-by-location': 'groundcrew-infra:kubernetes',
            },
          },
        },
      ],
    });
    const rec = recordingConnection();
    await p.connect(rec.connection);
    await p.refresh();
    // Ours already (a restart): kept at once. New: deferred.
    expect(rec.find('Component', 'checkout-api')).toBeDefined();
    expect(rec.find('Component', 'prompt-router')).toBeUndefined();
    expect(rec.find('Resource', 'gke-ops')).toBeDefined();
    now += 61_000;
    await p.refresh();
    expect(rec.find('Component', 'prompt-router')).toBeDefined();
    expect(rec.find('Component', 'ai-gateway')).toBeUndefined();
  });
});
