import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';
import { VAULT_CANARY } from '@groundcrew/sandbox';
import { startInfraSandbox } from '../__testUtils__/infraSandbox';
import { InfraCollatorFactory } from './InfraCollatorFactory';

jest.setTimeout(60_000);

async function collect(factory: InfraCollatorFactory) {
  const docs: InfraSearchDocument[] = [];
  for await (const d of await factory.getCollator()) docs.push(d);
  return docs;
}

describe('InfraCollatorFactory against the sandbox', () => {
  let env: Awaited<ReturnType<typeof startInfraSandbox>>;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    env = await startInfraSandbox();
    await env.cache.waitForSync(20_000);
  });
  afterAll(() => env?.stop());

  function factory() {
    return InfraCollatorFactory.create({
      cache: env.cache,
      gcp: env.gcp,
      vault: env.vault,
      logger,
      settings: { concurrency: 4 },
    });
  }

  it('streams the demo services, clusters, projects and Vault paths', async () => {
    const docs = await collect(factory());
    const byTitle = (kind: string, title: string) =>
      docs.find(d => d.kind === kind && d.title === title);

    expect(byTitle('service', 'ai-gateway')).toMatchObject({
      entityRef: 'component:default/ai-gateway',
      location: '/catalog/default/component/ai-gateway',
      clusters: ['gke-prod-europe-west1', 'gke-prod-us-east1'],
      environments: ['production'],
      regions: ['europe-west1', 'us-east1'],
      hostnames: [
        'ai-gateway.gke-prod-europe-west1.example.com',
        'ai-gateway.gke-prod-us-east1.example.com',
      ],
      routes: ['HTTPRoute ai-gateway/ai-gateway'],
    });
    expect(byTitle('service', 'search-indexer')?.clusters).toEqual([
      'gke-ops',
      'gke-prod-us-east1',
    ]);

    expect(byTitle('cluster', 'gke-prod-us-east1')).toMatchObject({
      entityRef: 'resource:default/gke-prod-us-east1',
      location: '/catalog/default/resource/gke-prod-us-east1',
      project: 'groundcrew-demo',
      regions: ['us-east1'],
      environments: ['production'],
      status: 'ok',
      // ai-gateway, checkout-api, search-indexer
      workloads: 3,
    });
    expect(byTitle('cluster', 'gke-prod-us-east1')?.version).toMatch(/^1\./);
    // Searching a service finds the clusters it runs on.
    expect(byTitle('cluster', 'gke-ops')?.text).toContain('search-indexer');

    const project = byTitle('project', 'ai-gateway-prod');
    expect(project).toMatchObject({
      entityRef: 'resource:default/ai-gateway-prod',
      owner: 'group:default/team-ai',
      status: 'ACTIVE',
    });
    expect(project?.labels).toContain('service=ai-gateway');
    expect(project?.apis).toContain('container.googleapis.com');
    expect(byTitle('project', 'groundcrew-demo')?.clusters).toEqual([
      'gke-ops',
      'gke-prod-europe-west1',
      'gke-prod-us-east1',
    ]);
    // In another organization: GCP does not show it to the portal, nor does search.
    expect(byTitle('project', 'taken-elsewhere')).toBeUndefined();

    const key = byTitle('vault', 'secret/ai-gateway/openai-api-key');
    expect(key).toMatchObject({
      entityRef: 'component:default/ai-gateway',
      location:
        '/catalog/default/component/ai-gateway/secrets?path=secret%2Fai-gateway%2Fopenai-api-key',
    });
    // The portal's policy denies secret/metadata/platform/*: such names are not listed at all.
    expect(docs.some(d => d.title.startsWith('secret/platform/'))).toBe(false);

    // Every document: owner, the entity it is about as its authorization, a unique location.
    for (const d of docs) {
      expect(d.owner).toMatch(/^group:default\/./);
      expect(d.authorization).toEqual({ resourceRef: d.entityRef });
    }
    expect(new Set(docs.map(d => d.location)).size).toBe(docs.length);
  });

  it('never puts a secret value in a document, nor reads one', async () => {
    const before = await env.sandbox.vault!.control.dataReads();
    const docs = await collect(factory());
    expect(docs.filter(d => d.kind === 'vault').length).toBeGreaterThan(3);
    for (const d of docs) expect(JSON.stringify(d)).not.toContain(VAULT_CANARY);
    expect(await env.sandbox.vault!.control.dataReads()).toBe(before);
  });

  it('takes owners from catalog entities where they exist', async () => {
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'ai-gateway', namespace: 'default' },
          spec: { owner: 'team-ai' },
          relations: [{ type: 'ownedBy', targetRef: 'group:default/team-ai' }],
        },
      ],
    });
    const docs = await collect(
      InfraCollatorFactory.create({
        cache: env.cache,
        gcp: env.gcp,
        vault: env.vault,
        logger,
        catalog: { service: catalog, auth: mockServices.auth() },
      }),
    );
    const aiGateway = docs.filter(
      d => d.entityRef === 'component:default/ai-gateway',
    );
    expect(aiGateway.map(d => d.kind)).toEqual(
      expect.arrayContaining(['service', 'vault']),
    );
    for (const d of aiGateway) expect(d.owner).toBe('group:default/team-ai');
    // Not in this catalog: the owner from labels (none: the platform group).
    expect(
      docs.find(d => d.kind === 'service' && d.title === 'checkout-api')?.owner,
    ).toBe('group:default/platform');
  });

  it('fails the run, naming the source, when Vault is down (the engines keep the last good index)', async () => {
    const control = env.sandbox.vault!.control;
    await control.down();
    try {
      const docs: InfraSearchDocument[] = [];
      await expect(async () => {
        for await (const d of await factory().getCollator()) docs.push(d);
      }).rejects.toThrow(/Vault could not be read/);
      // What came before Vault was streamed: the failure is at the end, not silent.
      expect(docs.some(d => d.kind === 'service')).toBe(true);
      expect(docs.some(d => d.kind === 'vault')).toBe(false);
    } finally {
      await control.up();
    }
  });

  it('fails the run, naming the source, when GCP answers errors', async () => {
    const control = env.sandbox.gcp!.control;
    await control.injectFault({ status: 500, count: 5 });
    try {
      await expect(collect(factory())).rejects.toThrow(/GCP could not be read/);
    } finally {
      await control.clearFaults();
    }
  });
});
