import https from 'node:https';
import {
  CoreV1Api,
  CoreV1Event,
  EventsV1Api,
  EventsV1Event,
  KubeConfig,
  V1Container,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { startSandbox, Sandbox } from '../sandbox';
import { eventually, FAST, kubeConfigFor } from '../__testUtils__/kube';
import type { Table } from './tables';

// Starting a sandbox makes a CA and certificates: slow on a busy machine.
jest.setTimeout(60_000);

const NS = 'default';
let counter = 0;

function pod(
  container: Partial<V1Container>,
  spec: Partial<V1Pod['spec']> = {},
): V1Pod {
  counter += 1;
  return {
    metadata: { name: `p${counter}-${Date.now().toString(36)}` },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.gitlab.com/groundcrew/app:1.0.0',
          ...container,
        },
      ],
      ...spec,
    },
  };
}

describe('kubernetes imitation: Events (core/v1 and events.k8s.io/v1)', () => {
  let sandbox: Sandbox;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let events: EventsV1Api;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'events-test' }],
      demo: false,
      timings: { ...FAST, backOffMs: 40, backOffMaxMs: 80 },
    });
    kc = kubeConfigFor(sandbox);
    core = kc.makeApiClient(CoreV1Api);
    events = kc.makeApiClient(EventsV1Api);
  });
  afterAll(() => sandbox.stop());

  async function create(p: V1Pod) {
    return core.createNamespacedPod({ namespace: NS, body: p });
  }

  /** The pod's core/v1 Events, as `kubectl describe pod` asks for them. */
  async function coreEventsOf(name: string): Promise<CoreV1Event[]> {
    const list = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=${name},involvedObject.namespace=${NS},involvedObject.kind=Pod`,
    });
    return list.items;
  }

  const reasons = (list: Array<{ reason?: string }>) => list.map(e => e.reason);

  it('serves Events in discovery in both groups', async () => {
    const v1 = await core.getAPIResources();
    expect(v1.resources.find(r => r.name === 'events')).toMatchObject({
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
    });
    const next = await events.getAPIResources();
    expect(next.groupVersion).toBe('events.k8s.io/v1');
    expect(next.resources.map(r => r.name)).toContain('events');
  });

  it('records what the scheduler and the kubelet do for a pod that starts', async () => {
    const p = await create(pod({}));
    const name = p.metadata!.name!;
    const list = await eventually(async () => {
      const l = await coreEventsOf(name);
      expect(reasons(l)).toEqual(
        expect.arrayContaining([
          'Scheduled',
          'Pulling',
          'Pulled',
          'Created',
          'Started',
        ]),
      );
      return l;
    });
    const scheduled = list.find(e => e.reason === 'Scheduled')!;
    // The scheduler writes through the new API: eventTime, no count, reportingComponent.
    expect(scheduled.reportingComponent).toBe('default-scheduler');
    expect(scheduled.eventTime).toBeTruthy();
    expect(scheduled.count).toBeUndefined();
    expect(scheduled.message).toMatch(
      new RegExp(`^Successfully assigned ${NS}/${name} to gke-events-test-`),
    );
    const started = list.find(e => e.reason === 'Started')!;
    expect(started).toMatchObject({
      type: 'Normal',
      count: 1,
      source: { component: 'kubelet' },
      involvedObject: {
        kind: 'Pod',
        name,
        namespace: NS,
        uid: p.metadata!.uid,
        fieldPath: 'spec.containers{app}',
      },
      message: 'Started container app',
    });
    expect(started.metadata.name).toMatch(new RegExp(`^${name}\\.[0-9a-f]+$`));
    expect(started.firstTimestamp).toEqual(started.lastTimestamp);
  });

  it('serves the same objects through events.k8s.io/v1, renamed, with its field selectors', async () => {
    const p = await create(pod({}));
    const name = p.metadata!.name!;
    await eventually(async () =>
      expect(reasons(await coreEventsOf(name))).toContain('Started'),
    );
    const list = await events.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `regarding.name=${name}`,
    });
    const started = list.items.find(
      e => e.reason === 'Started',
    ) as EventsV1Event;
    expect(started).toMatchObject({
      note: 'Started container app',
      regarding: { kind: 'Pod', name },
      reportingController: 'kubelet',
      deprecatedCount: 1,
      deprecatedSource: { component: 'kubelet' },
    });
    expect(started.deprecatedLastTimestamp).toBeTruthy();
    expect(
      (started as unknown as Record<string, unknown>).involvedObject,
    ).toBeUndefined();
    expect(
      (started as unknown as Record<string, unknown>).message,
    ).toBeUndefined();
    const one = await events.readNamespacedEvent({
      namespace: NS,
      name: started.metadata!.name!,
    });
    expect(one.apiVersion).toBe('events.k8s.io/v1');
    expect(one.note).toBe('Started container app');
  });

  it('shows an image that cannot be pulled as ErrImagePull, then ImagePullBackOff, counted', async () => {
    const image = 'registry.gitlab.com/groundcrew/app:missing-tag';
    const p = await create(pod({ image }));
    const name = p.metadata!.name!;
    const list = await eventually(
      async () => {
        const l = await coreEventsOf(name);
        const backOff = l.find(e => e.reason === 'BackOff');
        expect(backOff?.count).toBeGreaterThanOrEqual(2);
        return l;
      },
      { timeoutMs: 8000 },
    );
    const backOff = list.find(e => e.reason === 'BackOff')!;
    expect(backOff).toMatchObject({
      type: 'Normal',
      message: `Back-off pulling image "${image}"`,
    });
    expect(Date.parse(String(backOff.lastTimestamp))).toBeGreaterThanOrEqual(
      Date.parse(String(backOff.firstTimestamp)),
    );
    const failed = list.filter(e => e.reason === 'Failed').map(e => e.message);
    expect(failed).toEqual(
      expect.arrayContaining([
        'Error: ErrImagePull',
        'Error: ImagePullBackOff',
        expect.stringContaining(
          `Failed to pull image "${image}": rpc error: code = NotFound`,
        ),
      ]),
    );
    // One object per distinct event: repeats went into count, not new objects.
    expect(list.filter(e => e.reason === 'BackOff')).toHaveLength(1);
    const now = await core.readNamespacedPod({ namespace: NS, name });
    expect(now.status?.phase).toBe('Pending');
    expect(now.status?.containerStatuses?.[0].state?.waiting?.reason).toMatch(
      /^(ImagePullBackOff|ErrImagePull)$/,
    );
    expect(reasons(list)).not.toContain('Started');
  });

  it('shows a container that exits as a crash loop: BackOff restarting, restarts growing', async () => {
    const p = await create(pod({ command: ['sh', '-c', 'echo boom; exit 3'] }));
    const name = p.metadata!.name!;
    const uid = p.metadata!.uid!;
    const backOff = await eventually(
      async () => {
        const e = (await coreEventsOf(name)).find(x => x.reason === 'BackOff');
        expect(e?.count).toBeGreaterThanOrEqual(2);
        return e!;
      },
      { timeoutMs: 8000 },
    );
    expect(backOff).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container app in pod ${name}_${NS}(${uid})`,
    });
    const now = await eventually(async () => {
      const x = await core.readNamespacedPod({ namespace: NS, name });
      expect(
        x.status?.containerStatuses?.[0].restartCount,
      ).toBeGreaterThanOrEqual(2);
      return x;
    });
    expect(now.status?.phase).toBe('Running');
    expect(
      now.status?.containerStatuses?.[0].lastState?.terminated?.exitCode,
    ).toBe(3);
    const started = (await coreEventsOf(name)).find(
      e => e.reason === 'Started',
    );
    expect(started?.count).toBeGreaterThanOrEqual(2);
  });

  it('reports an unschedulable pod as FailedScheduling, repeated as a series', async () => {
    const p = await create(
      pod({ resources: { requests: { cpu: '64', memory: '1Gi' } } }),
    );
    const name = p.metadata!.name!;
    const failed = await eventually(
      async () => {
        const list = await events.listNamespacedEvent({
          namespace: NS,
          fieldSelector: `regarding.name=${name},reason=FailedScheduling`,
        });
        expect(list.items).toHaveLength(1);
        expect(list.items[0].series?.count).toBeGreaterThanOrEqual(2);
        return list.items[0];
      },
      { timeoutMs: 8000 },
    );
    expect(failed).toMatchObject({
      type: 'Warning',
      reportingController: 'default-scheduler',
      action: 'Scheduling',
      note: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    });
    const now = await core.readNamespacedPod({ namespace: NS, name });
    expect(now.spec?.nodeName).toBeUndefined();
    expect(now.status?.conditions?.[0]).toMatchObject({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: failed.note,
    });
    const selector = await create(
      pod(
        {},
        { nodeSelector: { 'cloud.google.com/gke-nodepool': 'gpu-pool' } },
      ),
    );
    await eventually(async () => {
      const list = await coreEventsOf(selector.metadata!.name!);
      expect(
        list.find(e => e.reason === 'FailedScheduling')?.message,
      ).toContain("didn't match Pod's node affinity/selector");
    });
  });

  it('streams Events to kubectl-style watches of both groups', async () => {
    const rv = (await core.listNamespacedEvent({ namespace: NS })).metadata!
      .resourceVersion!;
    /** What is read here of an Event of either group (a watch hands over the JSON). */
    interface WatchedEvent {
      apiVersion: string;
      metadata: { name: string };
      reason?: string;
      /** core/v1 */
      message?: string;
      involvedObject?: { name?: string };
      /** events.k8s.io/v1 */
      note?: string;
      regarding?: { name?: string };
    }
    const seen: Record<
      string,
      Array<{ type: string; object: WatchedEvent }>
    > = {
      core: [],
      next: [],
    };
    const watches = await Promise.all(
      [
        ['core', `/api/v1/namespaces/${NS}/events`],
        ['next', `/apis/events.k8s.io/v1/namespaces/${NS}/events`],
      ].map(([key, path]) =>
        new Watch(kc).watch(
          path,
          { resourceVersion: rv, allowWatchBookmarks: true },
          (type, object) => seen[key].push({ type, object }),
          () => undefined,
        ),
      ),
    );
    try {
      const p = await create(pod({ image: 'example.invalid/app:1' }));
      const name = p.metadata!.name!;
      await eventually(
        () => {
          for (const key of ['core', 'next']) {
            const mine = seen[key].filter(
              e =>
                (e.object.involvedObject ?? e.object.regarding)?.name === name,
            );
            expect(mine.map(e => e.type)).toEqual(
              expect.arrayContaining(['ADDED', 'MODIFIED']),
            );
          }
        },
        { timeoutMs: 8000 },
      );
      const coreScheduled = seen.core.find(
        e =>
          e.object.reason === 'Scheduled' &&
          e.object.involvedObject?.name === name,
      )!;
      const nextScheduled = seen.next.find(
        e =>
          e.object.reason === 'Scheduled' && e.object.regarding?.name === name,
      )!;
      expect(coreScheduled.object.apiVersion).toBe('v1');
      expect(nextScheduled.object.apiVersion).toBe('events.k8s.io/v1');
      expect(nextScheduled.object.metadata.name).toBe(
        coreScheduled.object.metadata.name,
      );
      expect(nextScheduled.object.note).toBe(coreScheduled.object.message);
    } finally {
      watches.forEach(w => w.abort());
    }
  });

  it('prints Events as kubectl get events does', async () => {
    const cluster = sandbox.kubernetes.clusters[0];
    const table = await new Promise<Table>((resolve, reject) => {
      https
        .get(
          `${cluster.url}/apis/events.k8s.io/v1/namespaces/${NS}/events?limit=500`,
          {
            ca: sandbox.kubernetes.caPem,
            headers: {
              Authorization: `Bearer ${cluster.token}`,
              Accept:
                'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
            },
          },
          r => {
            let text = '';
            r.on('data', c => (text += c));
            r.on('end', () => resolve(JSON.parse(text)));
          },
        )
        .on('error', reject);
    });
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map(c => c.name)).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Message',
    ]);
    const started = table.rows.find(r => r.cells[2] === 'Started');
    expect(started?.cells[3]).toMatch(/^pod\//);
    expect(started?.cells[4]).toBe('Started container app');
  });

  it('creates an Event through events.k8s.io/v1 and reads it through core/v1', async () => {
    const created = await events.createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { name: 'made-by-a-controller.1' },
        eventTime: new Date() as never,
        reportingController: 'example.com/controller',
        reportingInstance: 'controller-0',
        action: 'Reconcile',
        reason: 'Synced',
        type: 'Normal',
        note: 'all good',
        regarding: { kind: 'ConfigMap', name: 'x', namespace: NS },
      },
    });
    expect(created.note).toBe('all good');
    const back = await core.readNamespacedEvent({
      namespace: NS,
      name: 'made-by-a-controller.1',
    });
    expect(back).toMatchObject({
      message: 'all good',
      reportingComponent: 'example.com/controller',
      involvedObject: { kind: 'ConfigMap', name: 'x' },
    });
  });
});

describe('kubernetes imitation: Event time to live', () => {
  it('deletes Events once they are older than the TTL, like --event-ttl', async () => {
    const sandbox = await startSandbox({
      clusters: [{ name: 'events-ttl' }],
      demo: false,
      timings: { ...FAST, eventTtlMs: 1000 },
    });
    try {
      const core = kubeConfigFor(sandbox).makeApiClient(CoreV1Api);
      await core.createNamespacedPod({ namespace: NS, body: pod({}) });
      await eventually(async () =>
        expect(
          (
            await core.listNamespacedEvent({ namespace: NS })
          ).items.length,
        ).toBeGreaterThan(0),
      );
      await eventually(
        async () =>
          expect(
            (
              await core.listNamespacedEvent({ namespace: NS })
            ).items,
          ).toHaveLength(0),
        { timeoutMs: 5000 },
      );
    } finally {
      await sandbox.stop();
    }
  });
});
