import { protos } from '@google-cloud/run';
import { startSandbox, Sandbox } from '../sandbox';
import {
  codeOf,
  errorOf,
  FAST_GCP,
  gcpClients,
  GcpClients,
} from '../__testUtils__/gcp';
import { DEMO_GCP } from './demo';

type IService = protos.google.cloud.run.v2.IService;
const Service = protos.google.cloud.run.v2.Service;

/**
 * An operation's result is decoded from a google.protobuf.Any: int64 as Long
 * and enums as numbers. This makes it read like a direct answer.
 */
function plain(s: IService): IService {
  return Service.toObject(Service.fromObject(s), {
    enums: String,
    longs: String,
  }) as IService;
}

const parent = `projects/${DEMO_GCP.project}/locations/us-west1`;
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

function service(image: string, extra: IService = {}): IService {
  return {
    labels: { team: 'platform' },
    template: {
      containers: [
        {
          image,
          ports: [{ containerPort: 8080 }],
          env: [{ name: 'MODE', value: 'test' }],
        },
      ],
      scaling: { minInstanceCount: 0, maxInstanceCount: 3 },
    },
    ...extra,
  };
}

describe('GCP imitation: Cloud Run Admin v2 through @google-cloud/run', () => {
  let sandbox: Sandbox;
  let gcp: GcpClients;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'run-base' }],
      token: 'run-test-kube-token',
      gcp: { timings: FAST_GCP },
    });
    gcp = gcpClients(sandbox);
  });
  afterAll(() => sandbox.stop());
  beforeEach(async () => {
    await sandbox.gcp!.control.reset();
    await sandbox.gcp!.control.resetCounters();
  });

  it('serves the demo service: two revisions, traffic 90 / 10, ready', async () => {
    const name = `projects/${DEMO_GCP.project}/locations/${DEMO_GCP.runService.location}/services/${DEMO_GCP.runService.name}`;
    const [svc] = await gcp.runServices.getService({ name });
    expect(svc).toMatchObject({
      name,
      generation: '2',
      observedGeneration: '2',
      latestReadyRevision: `${name}/revisions/${DEMO_GCP.runService.canary}`,
      terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
      uri: expect.stringMatching(
        /^https:\/\/docs-preview-[a-z0-9]{10}-ue\.a\.run\.app$/,
      ),
    });
    expect(
      svc.trafficStatuses?.map(t => [t.revision, t.percent, t.tag]),
    ).toEqual([
      [DEMO_GCP.runService.stable, 90, ''],
      [DEMO_GCP.runService.canary, 10, 'canary'],
    ]);
    expect(svc.trafficStatuses?.[1].uri).toMatch(
      /^https:\/\/canary---docs-preview-/,
    );
    const [revisions] = await gcp.runRevisions.listRevisions({ parent: name });
    expect(revisions.map(r => r.name?.split('/').pop())).toEqual([
      DEMO_GCP.runService.canary,
      DEMO_GCP.runService.stable,
    ]);
    const counters = await sandbox.gcp!.control.counters();
    expect(counters.mutations).toBe(0);
    expect(counters.reads).toBe(2);
  });

  it('creates a service: a long-running operation, then a ready revision with all the traffic', async () => {
    // Slow enough to see the service reconciling.
    await sandbox.gcp!.control.setOperationDurations({
      runServiceCreateMs: 500,
    });
    const [op] = await gcp.runServices.createService({
      parent,
      serviceId: 'hello',
      service: service('us-docker.pkg.dev/cloudrun/container/hello:1'),
    });
    expect(op.name).toMatch(new RegExp(`^${parent}/operations/[0-9a-f-]{36}$`));
    const [reconciling] = await gcp.runServices.getService({
      name: `${parent}/services/hello`,
    });
    expect(reconciling.reconciling).toBe(true);
    expect(reconciling.terminalCondition?.state).toBe('CONDITION_RECONCILING');

    const created = plain((await op.promise())[0]);
    await sandbox.gcp!.control.setOperationDurations(FAST_GCP);
    const name = `${parent}/services/hello`;
    expect(created).toMatchObject({
      name,
      generation: '1',
      observedGeneration: '1',
      labels: { team: 'platform' },
      terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
      traffic: [{ type: LATEST, percent: 100 }],
      trafficStatuses: [{ type: LATEST, percent: 100 }],
      uri: expect.stringMatching(
        /^https:\/\/hello-[a-z0-9]{10}-uw\.a\.run\.app$/,
      ),
      creator: expect.stringContaining('groundcrew-portal@'),
    });
    expect(created.reconciling).toBeFalsy();
    expect(created.latestReadyRevision).toMatch(
      new RegExp(`^${name}/revisions/hello-00001-[a-z]{3}$`),
    );
    expect(created.latestCreatedRevision).toBe(created.latestReadyRevision);
    expect(created.template?.containers?.[0]).toMatchObject({
      image: 'us-docker.pkg.dev/cloudrun/container/hello:1',
      ports: [{ containerPort: 8080 }],
      env: [{ name: 'MODE', value: 'test' }],
      resources: { limits: { cpu: '1000m', memory: '512Mi' } },
    });
    const [revision] = await gcp.runRevisions.getRevision({
      name: created.latestReadyRevision!,
    });
    expect(revision).toMatchObject({
      service: name,
      conditions: expect.arrayContaining([
        expect.objectContaining({
          type: 'Ready',
          state: 'CONDITION_SUCCEEDED',
        }),
      ]),
    });
    expect(
      await codeOf(
        gcp.runServices.createService({
          parent,
          serviceId: 'hello',
          service: service('x'),
        }),
      ),
    ).toBe(6);

    const counters = await sandbox.gcp!.control.counters();
    expect(
      counters.routes[
        'POST /v2/projects/{project}/locations/{location}/services'
      ],
    ).toBe(2);
    expect(counters.mutations).toBe(2);
  });

  it('an update with a new image and a 90 / 10 split makes a second revision and moves the traffic', async () => {
    const [op] = await gcp.runServices.createService({
      parent,
      serviceId: 'split',
      service: service('example/app:1'),
    });
    const first = plain((await op.promise())[0]);
    const firstRevision = first.latestCreatedRevision!.split('/').pop()!;
    const [update] = await gcp.runServices.updateService({
      service: {
        ...service('example/app:2', {
          traffic: [
            { type: REVISION, revision: firstRevision, percent: 90 },
            { type: LATEST, percent: 10, tag: 'next' },
          ],
        }),
        name: `${parent}/services/split`,
      },
    });
    const updated = plain((await update.promise())[0]);
    expect(updated.generation).toBe('2');
    const second = updated.latestReadyRevision!.split('/').pop()!;
    expect(second).toMatch(/^split-00002-[a-z]{3}$/);
    expect(
      updated.trafficStatuses?.map(t => [
        t.type,
        t.revision ?? '',
        t.percent,
        t.tag ?? '',
      ]),
    ).toEqual([
      [REVISION, firstRevision, 90, ''],
      [LATEST, '', 10, 'next'],
    ]);
    const [revisions] = await gcp.runRevisions.listRevisions({
      parent: `${parent}/services/split`,
    });
    expect(revisions.map(r => r.name?.split('/').pop())).toEqual([
      second,
      firstRevision,
    ]);
    expect(revisions[0].containers?.[0].image).toBe('example/app:2');

    // Only the traffic changes (updateMask): no new revision.
    const [traffic] = await gcp.runServices.updateService({
      service: {
        name: `${parent}/services/split`,
        traffic: [{ type: LATEST, percent: 100 }],
      },
      updateMask: { paths: ['traffic'] },
    });
    const moved = plain((await traffic.promise())[0]);
    expect(moved.latestCreatedRevision).toBe(updated.latestCreatedRevision);
    expect(moved.template?.containers?.[0].image).toBe('example/app:2');
    expect(moved.trafficStatuses?.map(t => t.percent)).toEqual([100]);

    // A named revision that exists with another template is refused.
    const exists = await errorOf(
      gcp.runServices.updateService({
        service: {
          ...service('example/app:3', {
            template: {
              revision: second,
              containers: [{ image: 'example/app:3' }],
            },
          }),
          name: `${parent}/services/split`,
        },
      }),
    );
    expect(exists.code).toBe(6);
    expect(exists.message).toMatch(
      /with different configuration already exists/,
    );
    // A named revision must carry the service's name.
    expect(
      await codeOf(
        gcp.runServices.updateService({
          service: {
            ...service('example/app:3', {
              template: {
                revision: 'other-v3',
                containers: [{ image: 'example/app:3' }],
              },
            }),
            name: `${parent}/services/split`,
          },
        }),
      ),
    ).toBe(3);
  });

  it('refuses traffic that does not add up to 100 (INVALID_ARGUMENT naming the field)', async () => {
    const err = await errorOf(
      gcp.runServices.createService({
        parent,
        serviceId: 'bad-traffic',
        service: service('example/app:1', {
          traffic: [{ type: LATEST, percent: 80 }],
        }),
      }),
    );
    expect(err.code).toBe(3);
    expect(err.statusDetails?.[0].fieldViolations).toEqual([
      expect.objectContaining({ field: 'service.traffic' }),
    ]);
    expect(
      await codeOf(
        gcp.runServices.getService({ name: `${parent}/services/bad-traffic` }),
      ),
    ).toBe(5);
  });

  it('allowMissing creates through PATCH; delete removes the service and its revisions', async () => {
    const [op] = await gcp.runServices.updateService({
      service: {
        ...service('example/app:1'),
        name: `${parent}/services/upsert`,
      },
      allowMissing: true,
    });
    const svc = plain((await op.promise())[0]);
    expect(svc.generation).toBe('1');
    expect(
      await codeOf(
        gcp.runServices.updateService({
          service: {
            ...service('example/app:1'),
            name: `${parent}/services/nope`,
          },
        }),
      ),
    ).toBe(5);
    const [del] = await gcp.runServices.deleteService({
      name: `${parent}/services/upsert`,
    });
    const [gone] = await del.promise();
    expect(gone.name).toBe(`${parent}/services/upsert`);
    expect(
      await codeOf(
        gcp.runServices.getService({ name: `${parent}/services/upsert` }),
      ),
    ).toBe(5);
  });

  it('needs the Cloud Run Admin API enabled (403 SERVICE_DISABLED), a visible project and a known region', async () => {
    const [op] = await gcp.projects.createProject({
      project: { projectId: 'no-run-1', parent: DEMO_GCP.folders.platform },
    });
    await op.promise();
    const err = await errorOf(
      gcp.runServices.listServices({
        parent: 'projects/no-run-1/locations/us-east1',
      }),
    );
    expect(err.code).toBe(7);
    expect(err.reason).toBe('SERVICE_DISABLED');
    expect(err.message).toMatch(/Cloud Run Admin API has not been used/);
    expect(
      await codeOf(
        gcp.runServices.listServices({
          parent: `projects/${DEMO_GCP.takenProject}/locations/us-east1`,
        }),
      ),
    ).toBe(7);
    expect(
      await codeOf(
        gcp.runServices.listServices({
          parent: `projects/${DEMO_GCP.project}/locations/mars-north1`,
        }),
      ),
    ).toBe(3);
  });

  it('a failing operation leaves the revision failed and the traffic where it was; the next update rolls out again', async () => {
    const [op] = await gcp.runServices.createService({
      parent,
      serviceId: 'flaky',
      service: service('example/app:1'),
    });
    const first = plain((await op.promise())[0]);
    await sandbox.gcp!.control.failNextOperations({
      kind: 'updateRunService',
      status: 'FAILED_PRECONDITION',
      message:
        'The user-provided container failed to start and listen on the port.',
    });
    const [bad] = await gcp.runServices.updateService({
      service: {
        ...service('example/app:2'),
        name: `${parent}/services/flaky`,
      },
    });
    const err = await errorOf(bad.promise());
    expect(err.code).toBe(9);
    expect(err.message).toMatch(/failed to start/);
    const [failed] = await gcp.runServices.getService({
      name: `${parent}/services/flaky`,
    });
    expect(failed.terminalCondition).toMatchObject({
      state: 'CONDITION_FAILED',
      message: expect.stringMatching(/is not ready and cannot serve traffic/),
    });
    expect(failed.latestReadyRevision).toBe(first.latestReadyRevision);
    expect(failed.latestCreatedRevision).not.toBe(first.latestCreatedRevision);

    // The same spec again: the failed revision is retried as a new one.
    const [retry] = await gcp.runServices.updateService({
      service: {
        ...service('example/app:2'),
        name: `${parent}/services/flaky`,
      },
    });
    const fixed = plain((await retry.promise())[0]);
    expect(fixed.terminalCondition?.state).toBe('CONDITION_SUCCEEDED');
    expect(fixed.latestReadyRevision).toMatch(/flaky-00003-[a-z]{3}$/);
    expect(fixed.latestReadyRevision).toBe(fixed.latestCreatedRevision);
  });

  it('a hanging operation keeps the service reconciling; another change meanwhile is ABORTED', async () => {
    await sandbox.gcp!.control.hangNextOperations({ kind: 'createRunService' });
    const [op] = await gcp.runServices.createService({
      parent,
      serviceId: 'slow',
      service: service('example/app:1'),
    });
    await new Promise(r => setTimeout(r, 100));
    const check = await gcp.runServices.checkCreateServiceProgress(op.name!);
    expect(check.done).toBeFalsy();
    expect(
      await codeOf(
        gcp.runServices.deleteService({ name: `${parent}/services/slow` }),
      ),
    ).toBe(10);
    await sandbox.gcp!.control.releaseOperations('createRunService');
    const done = plain((await op.promise())[0]);
    expect(done.terminalCondition?.state).toBe('CONDITION_SUCCEEDED');
  });
});
