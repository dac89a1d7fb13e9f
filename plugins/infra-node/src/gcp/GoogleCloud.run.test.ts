import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  CloudRunServiceRef,
  CloudRunServiceSpec,
} from '@groundcrew/plugin-infra-common';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import { GoogleCloud } from './GoogleCloud';

const FAST = {
  projectCreateMs: 20,
  serviceEnableMs: 20,
  runServiceCreateMs: 60,
  runServiceUpdateMs: 60,
  runServiceDeleteMs: 20,
};

function spec(
  image: string,
  overrides: Partial<CloudRunServiceSpec> = {},
): CloudRunServiceSpec {
  return {
    labels: { team: 'platform', 'managed-by': 'groundcrew' },
    template: {
      image,
      containerPort: 8080,
      env: [
        { name: 'MODE', value: 'test' },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
      resources: { cpu: '1', memory: '512Mi' },
      minInstances: 0,
      maxInstances: 4,
      startupProbe: { httpGet: { path: '/healthz', port: 8080 } },
    },
    traffic: [],
    ...overrides,
  };
}

describe('GoogleCloud: Cloud Run through @google-cloud/run against the sandbox', () => {
  let sandbox: Sandbox;
  let gcp: GoogleCloud;
  const ref: CloudRunServiceRef = {
    projectId: 'groundcrew-demo',
    location: 'us-central1',
    name: 'portal-api',
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'run-client-base' }],
      token: 'run-client-kube-token',
      gcp: { timings: FAST },
    });
    gcp = GoogleCloud.create({
      config: {
        endpoint: new URL(sandbox.gcp!.url),
        caPem: sandbox.kubernetes.caPem,
        auth: { type: 'token', token: sandbox.gcp!.token },
        retryAttempts: 3,
        retryInitialBackoffMs: 10,
        operationPollIntervalMs: 15,
        regions: ['us-central1', 'us-east1'],
      },
      logger: mockServices.logger.mock(),
    });
  });
  afterAll(async () => {
    await gcp.close();
    await sandbox.stop();
  });
  beforeEach(async () => {
    await sandbox.gcp!.control.reset();
    await sandbox.gcp!.control.resetCounters();
  });

  it('reads the demo service: 90 / 10 across two revisions', async () => {
    const demo = await gcp.getRunService({
      projectId: 'groundcrew-demo',
      location: 'us-east1',
      name: 'docs-preview',
    });
    expect(demo).toMatchObject({
      name: 'docs-preview',
      ready: true,
      reconciling: false,
      generation: 2,
      latestReadyRevision: 'docs-preview-00002-ruz',
      trafficStatuses: [
        { type: 'REVISION', revision: 'docs-preview-00001-kaw', percent: 90 },
        {
          type: 'REVISION',
          revision: 'docs-preview-00002-ruz',
          percent: 10,
          tag: 'canary',
          uri: expect.stringMatching(/^https:\/\/canary---docs-preview-/),
        },
      ],
      template: { envNames: ['DOCS_RELEASE', 'LOG_LEVEL'], maxInstances: 5 },
    });
    const revisions = await gcp.listRunRevisions({
      projectId: 'groundcrew-demo',
      location: 'us-east1',
      name: 'docs-preview',
    });
    expect(revisions.map(r => [r.name, r.ready])).toEqual([
      ['docs-preview-00002-ruz', true],
      ['docs-preview-00001-kaw', true],
    ]);
    expect(
      await gcp.getRunService({ ...ref, name: 'missing' }),
    ).toBeUndefined();
    // Reads only.
    const counters = await sandbox.gcp!.control.counters();
    expect(counters.mutations).toBe(0);
    expect(counters.reads).toBe(3);
  });

  it('lists services across regions (location `-`), each with its own region; or in one region', async () => {
    await gcp.createRunService(ref, spec('example/api:1'));
    const all = await gcp.listRunServices({ projectId: 'groundcrew-demo' });
    expect(all.map(s => [s.name, s.location, s.labels.team])).toEqual([
      ['portal-api', 'us-central1', 'platform'],
      ['docs-preview', 'us-east1', 'platform'],
    ]);
    const east = await gcp.listRunServices({
      projectId: 'groundcrew-demo',
      location: 'us-east1',
    });
    expect(east.map(s => s.name)).toEqual(['docs-preview']);
    expect(await gcp.listRunServices({ projectId: 'ai-gateway-prod' })).toEqual(
      [],
    );
  });

  it('creates a service: waits for the rollout, one ready revision with all the traffic', async () => {
    const progress: string[] = [];
    const created = await gcp.createRunService(ref, spec('example/api:1'), {
      onProgress: m => progress.push(m),
    });
    expect(created).toMatchObject({
      name: 'portal-api',
      projectId: 'groundcrew-demo',
      location: 'us-central1',
      ready: true,
      reconciling: false,
      generation: 1,
      observedGeneration: 1,
      labels: { team: 'platform', 'managed-by': 'groundcrew' },
      traffic: [{ type: 'LATEST', percent: 100 }],
      trafficStatuses: [{ type: 'LATEST', percent: 100 }],
      uri: expect.stringMatching(
        /^https:\/\/portal-api-[a-z0-9]+-uc\.a\.run\.app$/,
      ),
      template: {
        image: 'example/api:1',
        containerPort: 8080,
        envNames: ['MODE', 'LOG_LEVEL'],
        minInstances: 0,
        maxInstances: 4,
        cpu: '1',
        memory: '512Mi',
      },
    });
    expect(created.latestReadyRevision).toMatch(/^portal-api-00001-[a-z]{3}$/);
    expect(progress[0]).toMatch(
      /operation projects\/groundcrew-demo\/locations\/us-central1\/operations\//,
    );
    expect(progress.some(p => /ready$/.test(p))).toBe(true);

    const again = await gcp.getRunService(ref);
    expect(again).toEqual({ ...created, etag: again?.etag });
    await expect(
      gcp.createRunService(ref, spec('example/api:1')),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('an update with a new image and a 90 / 10 split makes a second revision', async () => {
    const first = await gcp.createRunService(ref, spec('example/api:1'));
    const before = await sandbox.gcp!.control.counters();
    const updated = await gcp.updateRunService(
      ref,
      spec('example/api:2', {
        traffic: [
          {
            type: 'REVISION',
            revision: first.latestReadyRevision!,
            percent: 90,
          },
          { type: 'LATEST', percent: 10, tag: 'canary' },
        ],
      }),
    );
    const after = await sandbox.gcp!.control.counters();
    expect(after.mutations - before.mutations).toBe(1);
    expect(updated.generation).toBe(2);
    expect(updated.ready).toBe(true);
    expect(updated.latestReadyRevision).toMatch(/^portal-api-00002-[a-z]{3}$/);
    expect(updated.trafficStatuses).toEqual([
      { type: 'REVISION', revision: first.latestReadyRevision, percent: 90 },
      {
        type: 'LATEST',
        percent: 10,
        tag: 'canary',
        uri: expect.stringMatching(/^https:\/\/canary---portal-api-/),
      },
    ]);
    const revisions = await gcp.listRunRevisions(ref);
    expect(revisions.map(r => [r.name, r.image, r.ready])).toEqual([
      [updated.latestReadyRevision, 'example/api:2', true],
      [first.latestReadyRevision, 'example/api:1', true],
    ]);
    // A named revision that exists with another template: Cloud Run's 409.
    await expect(
      gcp.updateRunService(
        ref,
        spec('example/api:3', {
          template: {
            ...spec('example/api:3').template,
            revision: updated.latestReadyRevision,
          },
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('changes only the traffic (update mask `traffic`): no new revision; a stale etag is a ConflictError', async () => {
    const docs = {
      projectId: 'groundcrew-demo',
      location: 'us-east1',
      name: 'docs-preview',
    };
    const seen = (await gcp.getRunService(docs))!;
    const before = await sandbox.gcp!.control.counters();
    const changed = await gcp.updateRunServiceTraffic(
      docs,
      [
        { type: 'REVISION', revision: 'docs-preview-00001-kaw', percent: 75 },
        {
          type: 'REVISION',
          revision: 'docs-preview-00002-ruz',
          percent: 25,
          tag: 'canary',
        },
      ],
      { etag: seen.etag },
    );
    expect((await sandbox.gcp!.control.counters()).mutations).toBe(
      before.mutations + 1,
    );
    expect(changed.trafficStatuses.map(t => [t.revision, t.percent])).toEqual([
      ['docs-preview-00001-kaw', 75],
      ['docs-preview-00002-ruz', 25],
    ]);
    // The template (image, env) is untouched and no revision was made.
    expect(changed.latestCreatedRevision).toBe(seen.latestCreatedRevision);
    expect(changed.template).toEqual(seen.template);
    expect(await gcp.listRunRevisions(docs)).toHaveLength(2);
    expect(changed.etag).not.toBe(seen.etag);
    // The etag read before the change is stale now: nothing is written.
    const stale = await gcp
      .updateRunServiceTraffic(
        docs,
        [
          {
            type: 'REVISION',
            revision: 'docs-preview-00001-kaw',
            percent: 100,
          },
        ],
        { etag: seen.etag },
      )
      .catch(e => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toMatch(/etag/);
    expect(
      (await gcp.getRunService(docs))!.traffic.map(t => t.percent),
    ).toEqual([75, 25]);
  });

  it('traffic that does not add up to 100 is an InputError naming the field', async () => {
    const err = await gcp
      .createRunService(
        ref,
        spec('example/api:1', {
          traffic: [{ type: 'LATEST', percent: 70 }],
        }),
      )
      .catch(e => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(
      /service\.traffic: Traffic percentages must add up to 100, got 70/,
    );
    expect(await gcp.getRunService(ref)).toBeUndefined();
  });

  it('a project without the Cloud Run Admin API enabled is a NotAllowedError that says so', async () => {
    await gcp.createProject({
      projectId: 'no-run-here',
      displayName: 'No run here',
      parent: 'folders/1001',
      labels: {},
    });
    const err = await gcp
      .getRunService({ ...ref, projectId: 'no-run-here' })
      .catch(e => e);
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(err.message).toMatch(
      /Cloud Run Admin API has not been used in project/,
    );
    await expect(
      gcp.listRunRevisions({ ...ref, name: 'missing' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a failing rollout surfaces its error; a re-run (read, then update) converges', async () => {
    await sandbox.gcp!.control.failNextOperations({
      kind: 'createRunService',
      status: 'UNAVAILABLE',
      message:
        'The user-provided container failed to start and listen on the port.',
    });
    await expect(
      gcp.createRunService(ref, spec('example/api:1')),
    ).rejects.toThrow(
      /Creating Cloud Run service portal-api.*failed.*failed to start/,
    );
    const failed = await gcp.getRunService(ref);
    expect(failed).toMatchObject({
      ready: false,
      reconciling: false,
      conditionMessage: expect.stringMatching(/cannot serve traffic/),
      latestReadyRevision: undefined,
    });

    // The re-run: the service exists but is not ready, so it is updated with the same spec.
    const fixed = await gcp.updateRunService(ref, spec('example/api:1'));
    expect(fixed.ready).toBe(true);
    expect(fixed.latestReadyRevision).toMatch(/^portal-api-00002-[a-z]{3}$/);
    expect(fixed.trafficStatuses).toEqual([{ type: 'LATEST', percent: 100 }]);

    // Then a caller that reads first finds nothing to do: reads only.
    await sandbox.gcp!.control.resetCounters();
    const current = await gcp.getRunService(ref);
    expect(current?.template.image).toBe('example/api:1');
    await gcp.listRunRevisions(ref);
    const counters = await sandbox.gcp!.control.counters();
    expect(counters.mutations).toBe(0);
    expect(counters.reads).toBe(2);
  });

  it('deletes a service; deleting it again is a no-op', async () => {
    await gcp.createRunService(ref, spec('example/api:1'));
    await gcp.deleteRunService(ref);
    expect(await gcp.getRunService(ref)).toBeUndefined();
    await gcp.deleteRunService(ref);
  });
});
