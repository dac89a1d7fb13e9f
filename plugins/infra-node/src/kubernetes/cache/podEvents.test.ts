import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { kubeConfigOptions, Sandbox, startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';
import { KubernetesCacheService } from './KubernetesWatchCache';
import {
  CachedPodEvent,
  EVENTS_PER_POD,
  MAX_EVENT_MESSAGE,
  PodEventIndex,
  trimPodEvent,
} from './podEvents';

jest.setTimeout(60_000);

function event(
  podUid: string,
  i: number,
  type: CachedPodEvent['type'] = 'Normal',
): CachedPodEvent {
  return {
    uid: `${podUid}-e${i}`,
    name: `pod.${i}`,
    namespace: 'ns',
    labels: {},
    deleting: false,
    podUid,
    pod: 'pod',
    type,
    reason: `R${i}`,
    message: `m${i}`,
    count: 1,
    lastSeen: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  };
}

describe('trimPodEvent', () => {
  it('reads a kubelet event (count, timestamps) and a scheduler event (series, eventTime)', () => {
    const kubelet = trimPodEvent({
      metadata: { uid: 'e1', name: 'p.1', namespace: 'ns' },
      involvedObject: { kind: 'Pod', name: 'p', uid: 'pod-1' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container app',
      count: 7,
      firstTimestamp: new Date('2026-01-01T00:00:00Z'),
      lastTimestamp: '2026-01-01T00:05:00Z',
      source: { component: 'kubelet', host: 'node-1' },
      managedFields: [{ manager: 'kubelet' }],
    } as never);
    expect(kubelet).toMatchObject({
      podUid: 'pod-1',
      pod: 'p',
      type: 'Warning',
      reason: 'BackOff',
      count: 7,
      firstSeen: '2026-01-01T00:00:00.000Z',
      lastSeen: '2026-01-01T00:05:00Z',
      source: 'kubelet',
    });
    expect(kubelet).not.toHaveProperty('managedFields');
    const scheduler = trimPodEvent({
      metadata: { uid: 'e2', name: 'p.2', namespace: 'ns' },
      involvedObject: { kind: 'Pod', name: 'p', uid: 'pod-1' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: 'x'.repeat(MAX_EVENT_MESSAGE * 3),
      eventTime: '2026-01-01T00:00:00.000000Z',
      firstTimestamp: null,
      lastTimestamp: null,
      series: { count: 4, lastObservedTime: '2026-01-01T00:03:00.000000Z' },
      reportingComponent: 'default-scheduler',
    } as never);
    expect(scheduler).toMatchObject({
      count: 4,
      firstSeen: '2026-01-01T00:00:00.000000Z',
      lastSeen: '2026-01-01T00:03:00.000000Z',
      source: 'default-scheduler',
    });
    expect(scheduler.message).toHaveLength(MAX_EVENT_MESSAGE);
  });
});

describe('PodEventIndex', () => {
  it('keeps the newest events of each pod, bounded', () => {
    const index = new PodEventIndex();
    for (let i = 0; i < 20; i++) index.put(event('a', i));
    expect(index.of('a').map(e => e.reason)).toEqual(
      ['R19', 'R18', 'R17', 'R16', 'R15'].slice(0, EVENTS_PER_POD),
    );
    // An older event than all kept ones is not kept; an update replaces its old self.
    expect(index.put(event('a', 1))).toBe(false);
    expect(index.put({ ...event('a', 17), count: 9 })).toBe(true);
    expect(index.of('a').find(e => e.reason === 'R17')?.count).toBe(9);
    expect(index.size()).toBe(EVENTS_PER_POD);
  });

  it('drops the oldest normal event before any warning', () => {
    const index = new PodEventIndex();
    index.put(event('a', 1, 'Warning'));
    index.put(event('a', 2, 'Warning'));
    for (let i = 3; i < 12; i++) index.put(event('a', i));
    expect(index.of('a').map(e => e.reason)).toEqual([
      'R11',
      'R10',
      'R9',
      'R2',
      'R1',
    ]);
    // Only warnings: the oldest warning goes.
    for (let i = 12; i < 20; i++) index.put(event('a', i, 'Warning'));
    expect(index.of('a').map(e => e.reason)).toEqual([
      'R19',
      'R18',
      'R17',
      'R16',
      'R15',
    ]);
  });

  it('drops a pod with its events, and keeps only warnings of a ready pod', () => {
    const index = new PodEventIndex();
    index.put(event('a', 1));
    index.put(event('a', 2, 'Warning'));
    index.put(event('b', 1));
    index.keepWarnings('a');
    expect(index.of('a').map(e => e.reason)).toEqual(['R2']);
    index.dropPod('a');
    expect(index.of('a')).toEqual([]);
    index.retainPods(uid => uid !== 'b');
    expect(index.size()).toBe(0);
    expect(index.pods()).toBe(0);
  });
});

describe('pod events in the watch cache, against the sandbox', () => {
  const CLUSTER = 'events-cache';
  let sandbox: Sandbox;
  let cache: KubernetesCacheService;
  let core: CoreV1Api;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: CLUSTER }],
      demo: false,
      timings: {
        podStartDelayMs: 20,
        podReadyDelayMs: 40,
        bookmarkIntervalMs: 200,
        backOffMs: 30,
        backOffMaxMs: 60,
      },
    });
    const kc = new KubeConfig();
    kc.loadFromOptions(kubeConfigOptions(sandbox, CLUSTER));
    core = kc.makeApiClient(CoreV1Api);
    const backend = await startProbeBackend({
      sandbox,
      refs: { cache: kubernetesCacheServiceRef },
    });
    cache = backend.services.cache;
    stop = backend.stop;
    if (!(await cache.waitForSync(20_000))) {
      throw new Error('the cache did not sync with the sandbox');
    }
  });

  afterAll(async () => {
    await stop?.();
    await sandbox?.stop();
  });

  async function createPod(name: string, command?: string[], tag = '1.0.0') {
    const pod = await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.gitlab.com/groundcrew/app:${tag}`,
              ...(command ? { command } : {}),
            },
          ],
        },
      },
    });
    return pod.metadata!.uid!;
  }

  it('holds the last events of a crash-looping pod, bounded, and drops them with the pod', async () => {
    const uid = await createPod('crashing', ['false']);
    const held = await eventually(() => {
      const events = cache.podEvents(CLUSTER, uid);
      const backOff = events.find(e => e.reason === 'BackOff');
      return backOff && backOff.count >= 2 && events;
    });
    expect(held[0]).toMatchObject({
      pod: 'crashing',
      type: expect.any(String),
      source: 'kubelet',
    });
    // The API server holds more distinct events for the pod than the cache keeps.
    const all = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.uid=${uid}`,
    });
    expect(all.items.length).toBeGreaterThan(EVENTS_PER_POD);
    expect(held).toHaveLength(EVENTS_PER_POD);
    const times = held.map(e => e.lastSeen ?? '');
    expect([...times].sort().reverse()).toEqual(times);

    await core.deleteNamespacedPod({ namespace: 'default', name: 'crashing' });
    await eventually(() => cache.podEvents(CLUSTER, uid).length === 0);
    // The events themselves stay in the API server until their TTL.
    const after = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.uid=${uid}`,
    });
    expect(after.items.length).toBeGreaterThan(0);
  });

  it('keeps only the warnings of a pod once it is ready', async () => {
    const uid = await createPod('late', undefined, 'missing-1.0.0');
    await eventually(() =>
      cache
        .podEvents(CLUSTER, uid)
        .some(e => e.message === 'Error: ImagePullBackOff'),
    );
    // The image is fixed (a pod's image may change): the next pull succeeds, the pod gets ready.
    await core.patchNamespacedPod(
      {
        namespace: 'default',
        name: 'late',
        body: [
          {
            op: 'replace',
            path: '/spec/containers/0/image',
            value: 'registry.gitlab.com/groundcrew/app:1.0.0',
          },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const kept = await eventually(async () => {
      const pod = await core.readNamespacedPod({
        namespace: 'default',
        name: 'late',
      });
      const ready = (pod.status?.conditions ?? []).some(
        c => c.type === 'Ready' && c.status === 'True',
      );
      const events = cache.podEvents(CLUSTER, uid);
      return (
        ready &&
        events.every(e => e.type === 'Warning') &&
        events.some(e => e.message === 'Error: ErrImagePull') &&
        events
      );
    });
    // Why the pod was not ready outlived the normal events of its recovery.
    expect(kept.map(e => e.message)).toEqual(
      expect.arrayContaining([
        'Error: ErrImagePull',
        'Error: ImagePullBackOff',
      ]),
    );
    // The API server still has the Normal ones; the cache does not hold them for a ready pod.
    const normal = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.uid=${uid},type=Normal`,
    });
    expect(normal.items.map(e => e.reason)).toEqual(
      expect.arrayContaining(['Scheduled', 'Pulling', 'Started']),
    );
  });
});
