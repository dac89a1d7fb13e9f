import v8 from 'node:v8';
import { trimDeployment, trimPod } from './trim';

function pod(name: string, labels: Record<string, string>, image: string) {
  return {
    metadata: {
      uid: `uid-${name}`,
      name,
      namespace: 'ai-gateway',
      labels,
      creationTimestamp: new Date('2026-11-23T10:00:00Z'),
      ownerReferences: [{ name: 'ai-gateway-7d9f', controller: true }],
    },
    spec: { nodeName: 'node-1', containers: [{ image }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ restartCount: 2 }, { restartCount: 1 }],
    },
  };
}

describe('trimPod', () => {
  const labels = { app: 'ai-gateway', 'pod-template-hash': '7d9f' };

  it('keeps what the board reads, and nothing else', () => {
    expect(trimPod(pod('a', labels, 'registry/ai-gateway:1.2.0'))).toEqual({
      uid: 'uid-a',
      name: 'a',
      namespace: 'ai-gateway',
      labels,
      createdAt: '2026-11-23T10:00:00.000Z',
      deleting: false,
      owner: 'ai-gateway-7d9f',
      phase: 'Running',
      ready: true,
      restarts: 3,
      node: 'node-1',
      images: ['registry/ai-gateway:1.2.0'],
    });
  });

  it('shares one frozen copy of equal label sets and image lists', () => {
    const a = trimPod(pod('a', { ...labels }, 'registry/ai-gateway:1.2.0'));
    const b = trimPod(pod('b', { ...labels }, 'registry/ai-gateway:1.2.0'));
    expect(b.labels).toBe(a.labels);
    expect(b.images).toBe(a.images);
    expect(Object.isFrozen(a.labels)).toBe(true);
    expect(Object.isFrozen(a.images)).toBe(true);
  });

  it('does not share sets that differ in a value or an image', () => {
    const a = trimPod(pod('a', labels, 'registry/ai-gateway:1.2.0'));
    const value = trimPod(
      pod(
        'b',
        { ...labels, 'pod-template-hash': '5c4b' },
        'registry/ai-gateway:1.2.0',
      ),
    );
    const image = trimPod(pod('d', labels, 'registry/ai-gateway:1.3.0'));
    expect(value.labels).not.toBe(a.labels);
    expect(value.labels['pod-template-hash']).toBe('5c4b');
    expect(image.images).toEqual(['registry/ai-gateway:1.3.0']);
    expect(a.images).toEqual(['registry/ai-gateway:1.2.0']);
  });

  it('keeps the start time and only the Vault Agent annotations', () => {
    const raw = pod('v', labels, 'registry/ai-gateway:1.2.0');
    const withVault = {
      ...raw,
      metadata: {
        ...raw.metadata,
        annotations: {
          'vault.hashicorp.com/agent-inject': 'true',
          'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/app/db',
          'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
        },
      },
      status: { ...raw.status, startTime: '2026-11-23T10:00:05Z' },
    };
    const trimmed = trimPod(withVault);
    expect(trimmed.startedAt).toBe('2026-11-23T10:00:05Z');
    expect(trimmed.vaultAnnotations).toEqual({
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/app/db',
    });
    expect(
      trimPod({ ...withVault, metadata: { ...withVault.metadata, name: 'w' } })
        .vaultAnnotations,
    ).toBe(trimmed.vaultAnnotations);
    expect(trimPod(raw).vaultAnnotations).toBeUndefined();
  });
});

describe('trimDeployment', () => {
  const deployment = (name: string, images: string[]) => ({
    metadata: { uid: `uid-${name}`, name, namespace: name },
    spec: {
      replicas: 2,
      template: { spec: { containers: images.map(image => ({ image })) } },
    },
  });

  it('keeps its image list, frozen, and an empty one for a template with no containers', () => {
    const d = trimDeployment(
      deployment('checkout', [
        'registry/checkout:1.0.0',
        'registry/envoy:1.31',
      ]),
    );
    expect(d.images).toEqual([
      'registry/checkout:1.0.0',
      'registry/envoy:1.31',
    ]);
    expect(Object.isFrozen(d.images)).toBe(true);
    expect(d.desired).toBe(2);
    const none = trimDeployment(deployment('empty', []));
    expect(none.images).toEqual([]);
    expect(Object.isFrozen(none.images)).toBe(true);
  });

  it("gives each Deployment its own list, not the pods' shared one", () => {
    // Nearly every Deployment runs images no other runs: a sharing entry for each costs more
    // than it saves. Equal lists are still equal.
    const a = trimDeployment(deployment('a', ['registry/same:1.0.0']));
    const b = trimDeployment(deployment('b', ['registry/same:1.0.0']));
    expect(b.images).toEqual(a.images);
    expect(b.images).not.toBe(a.images);
  });
});

describe('label sets and hidden classes', () => {
  // V8's own check of two objects' hidden classes, compiled with natives syntax turned on for
  // this test's process only.
  v8.setFlagsFromString('--allow-natives-syntax');
  // eslint-disable-next-line no-new-func
  const sameClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
    a: object,
    b: object,
  ) => boolean;
  // As in a backend: thousands of objects built from `{}` with distinct first keys (each module's
  // `exports` adds one) fill the transitions V8 keeps from the class every `{}` starts from.
  const fill: object[] = [];
  for (let i = 0; i < 2000; i++)
    fill.push({ [`filler-${i}-${Date.now()}`]: i });

  it('gives the label sets of Deployments with the same keys one hidden class, however full V8 is', () => {
    const labels = (service: string) =>
      trimDeployment({
        metadata: {
          uid: service,
          name: service,
          namespace: service,
          labels: {
            [`app.kubernetes.io/name-${process.pid}`]: service,
            'runway.gitlab.com/service': service,
          },
        },
      }).labels;
    const a = labels('checkout-api');
    const b = labels('search-indexer');
    expect(a).toEqual({
      [`app.kubernetes.io/name-${process.pid}`]: 'checkout-api',
      'runway.gitlab.com/service': 'checkout-api',
    });
    expect(Object.isFrozen(a)).toBe(true);
    expect(sameClass(a, b)).toBe(true);
    // Holds the fillers to here: collected earlier, they would free their transitions.
    expect(fill).toHaveLength(2000);
  });
});
