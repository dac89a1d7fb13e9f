import { startSandbox, Sandbox } from '../sandbox';
import {
  codeOf,
  errorOf,
  FAST_GCP,
  gcpClients,
  GcpClients,
} from '../__testUtils__/gcp';
import { DEMO_GCP, DEMO_GCP_OTHER_TOKEN } from './demo';

describe('GCP imitation: Resource Manager v3 through @google-cloud/resource-manager', () => {
  let sandbox: Sandbox;
  let gcp: GcpClients;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [{ name: 'rm-test' }],
      gcp: { timings: FAST_GCP },
    });
    gcp = gcpClients(sandbox);
  });
  afterAll(() => sandbox.stop());
  beforeEach(async () => {
    await sandbox.gcp!.control.reset();
    await sandbox.gcp!.control.resetCounters();
  });

  it('creates a project through a long-running operation polled to the Project', async () => {
    const [operation] = await gcp.projects.createProject({
      project: {
        projectId: 'rm-created-1',
        parent: DEMO_GCP.folders.teamAi,
        displayName: 'Created one',
        labels: { team: 'ai' },
      },
    });
    expect(operation.name).toMatch(/^operations\/cp\.\d+$/);
    expect(operation.done).toBe(false);
    const [project, metadata] = await operation.promise();
    // An operation's result is a decoded message: enums are numbers there (ACTIVE = 1).
    expect(project).toMatchObject({
      projectId: 'rm-created-1',
      parent: DEMO_GCP.folders.teamAi,
      displayName: 'Created one',
      state: 1,
      labels: { team: 'ai' },
    });
    expect(project.name).toMatch(/^projects\/\d+$/);
    expect(metadata).toMatchObject({ gettable: true, ready: true });

    const [got] = await gcp.projects.getProject({
      name: 'projects/rm-created-1',
    });
    expect(got.name).toBe(project.name);
    expect(got.etag).toMatch(/^W\/"/);
    // By number too.
    const [byNumber] = await gcp.projects.getProject({ name: project.name! });
    expect(byNumber.projectId).toBe('rm-created-1');

    const counters = await sandbox.gcp!.control.counters();
    expect(counters.routes['POST /v3/projects']).toBe(1);
    expect(counters.routes['GET /v3/projects/{project}']).toBe(2);
    expect(counters.routes['GET /v3/operations/{operation}']).toBeGreaterThan(
      0,
    );
    expect(counters.mutations).toBe(1);
    expect(counters.reads).toBe(counters.total - 1);
  });

  it('answers 403 PERMISSION_DENIED for a project the caller cannot see, and 409 ALREADY_EXISTS for its id', async () => {
    const err = await errorOf(
      gcp.projects.getProject({ name: `projects/${DEMO_GCP.takenProject}` }),
    );
    expect(err.code).toBe(7);
    expect(err.message).toMatch(/resourcemanager\.projects\.get/);
    // Nor one that does not exist: the same 403, never 404.
    expect(
      await codeOf(
        gcp.projects.getProject({ name: 'projects/no-such-project' }),
      ),
    ).toBe(7);
    expect(
      await codeOf(
        gcp.projects.createProject({
          project: {
            projectId: DEMO_GCP.takenProject,
            parent: DEMO_GCP.folders.platform,
          },
        }),
      ),
    ).toBe(6);
    // The other organization's principal sees it.
    const other = gcpClients(sandbox, {
      token: DEMO_GCP_OTHER_TOKEN,
    });
    const [p] = await other.projects.getProject({
      name: `projects/${DEMO_GCP.takenProject}`,
    });
    expect(p.parent).toBe(DEMO_GCP.otherOrganization);
  });

  it('refuses an invalid id with 400 INVALID_ARGUMENT and a field violation', async () => {
    const err = await errorOf(
      gcp.projects.createProject({
        project: { projectId: 'Bad_Id', parent: DEMO_GCP.folders.platform },
      }),
    );
    expect(err.code).toBe(3);
    expect(err.statusDetails).toEqual([
      expect.objectContaining({
        fieldViolations: [
          expect.objectContaining({ field: 'project.project_id' }),
        ],
      }),
    ]);
    const labels = await errorOf(
      gcp.projects.createProject({
        project: {
          projectId: 'good-id-123',
          parent: DEMO_GCP.folders.platform,
          labels: { Team: 'x' },
        },
      }),
    );
    expect(labels.code).toBe(3);
    const parent = await errorOf(
      gcp.projects.createProject({
        project: { projectId: 'good-id-123', parent: 'folders/999999' },
      }),
    );
    expect(parent.code).toBe(3);
    // A parent that exists but is not visible is 403.
    expect(
      await codeOf(
        gcp.projects.createProject({
          project: {
            projectId: 'good-id-123',
            parent: DEMO_GCP.otherOrganization,
          },
        }),
      ),
    ).toBe(7);
  });

  it('searches visible projects by id, parent, labels, display name and free text, with paging', async () => {
    const ids = async (query: string) => {
      const [projects] = await gcp.projects.searchProjects({ query });
      return projects.map(p => p.projectId).sort();
    };
    expect(await ids('')).toEqual([DEMO_GCP.aiProject, DEMO_GCP.project]);
    expect(await ids(`id:${DEMO_GCP.project}`)).toEqual([DEMO_GCP.project]);
    expect(await ids(`parent:${DEMO_GCP.folders.teamAi}`)).toEqual([
      DEMO_GCP.aiProject,
    ]);
    expect(await ids('labels.team:platform')).toEqual([DEMO_GCP.project]);
    expect(await ids('labels.service:*')).toEqual([DEMO_GCP.aiProject]);
    expect(await ids('displayName:groundcrew*')).toEqual([DEMO_GCP.project]);
    expect(await ids('gateway')).toEqual([DEMO_GCP.aiProject]);
    // Never what the caller cannot see.
    expect(await ids(`id:${DEMO_GCP.takenProject}`)).toEqual([]);

    const [page1, next] = await gcp.projects.searchProjects(
      { query: '', pageSize: 1 },
      { autoPaginate: false },
    );
    expect(page1).toHaveLength(1);
    expect(next?.pageToken).toBeTruthy();
    const [page2] = await gcp.projects.searchProjects(
      { query: '', pageSize: 1, pageToken: next!.pageToken },
      { autoPaginate: false },
    );
    expect(page2.map(p => p.projectId)).not.toEqual(
      page1.map(p => p.projectId),
    );
  });

  it('updates labels and display name through an operation', async () => {
    const [op] = await gcp.projects.updateProject({
      project: {
        name: `projects/${DEMO_GCP.aiProject}`,
        labels: { team: 'ai', tier: 'gold' },
        displayName: 'AI gateway prod',
      },
      updateMask: { paths: ['labels', 'display_name'] },
    });
    const [updated] = await op.promise();
    expect(updated.labels).toEqual({ team: 'ai', tier: 'gold' });
    expect(updated.displayName).toBe('AI gateway prod');
  });

  it('deletes a project (DELETE_REQUESTED)', async () => {
    const [op] = await gcp.projects.deleteProject({
      name: `projects/${DEMO_GCP.aiProject}`,
    });
    const [deleted] = await op.promise();
    expect(deleted.state).toBe(2);
    const [got] = await gcp.projects.getProject({
      name: `projects/${DEMO_GCP.aiProject}`,
    });
    expect(got.state).toBe('DELETE_REQUESTED');
  });

  it('gets folders and organizations the caller sees, 403 otherwise', async () => {
    const [folder] = await gcp.folders.getFolder({
      name: DEMO_GCP.folders.teamAi,
    });
    expect(folder).toMatchObject({
      displayName: 'team-ai',
      parent: DEMO_GCP.organization,
      state: 'ACTIVE',
    });
    const [org] = await gcp.organizations.getOrganization({
      name: DEMO_GCP.organization,
    });
    expect(org.displayName).toBe('groundcrew.example');
    expect(
      await codeOf(
        gcp.organizations.getOrganization({ name: DEMO_GCP.otherOrganization }),
      ),
    ).toBe(7);
    expect(await codeOf(gcp.folders.getFolder({ name: 'folders/4242' }))).toBe(
      7,
    );
  });

  it('reads and writes IAM policies; a stale etag is 409 ABORTED', async () => {
    const resource = `projects/${DEMO_GCP.project}`;
    const [policy] = await gcp.projects.getIamPolicy({ resource });
    expect(policy.bindings?.map(b => b.role)).toContain('roles/owner');
    const [set] = await gcp.projects.setIamPolicy({
      resource,
      policy: {
        ...policy,
        bindings: [
          ...(policy.bindings ?? []),
          { role: 'roles/viewer', members: ['group:new@groundcrew.example'] },
        ],
      },
    });
    expect(Buffer.from(set.etag as Uint8Array)).not.toEqual(
      Buffer.from(policy.etag as Uint8Array),
    );
    const stale = await errorOf(
      gcp.projects.setIamPolicy({ resource, policy }),
    );
    expect(stale.code).toBe(10);
    // Without an etag, the write applies.
    const [applied] = await gcp.projects.setIamPolicy({
      resource,
      policy: {
        bindings: [
          { role: 'roles/owner', members: ['user:a@groundcrew.example'] },
        ],
      },
    });
    expect(applied.bindings).toEqual([
      expect.objectContaining({
        role: 'roles/owner',
        members: ['user:a@groundcrew.example'],
      }),
    ]);

    const counters = await sandbox.gcp!.control.counters();
    expect(counters.routes['POST /v3/projects/{project}:getIamPolicy']).toBe(1);
    expect(counters.routes['POST /v3/projects/{project}:setIamPolicy']).toBe(3);
    expect(counters.reads).toBe(1);
    expect(counters.mutations).toBe(3);
  });

  it('answers 401 UNAUTHENTICATED for an unknown token', async () => {
    const stranger = gcpClients(sandbox, {
      token: 'not-a-token',
    });
    expect(
      await codeOf(
        stranger.projects.getProject({ name: `projects/${DEMO_GCP.project}` }),
      ),
    ).toBe(16);
  });

  it('a failed or hanging create operation', async () => {
    const control = sandbox.gcp!.control;
    await control.failNextOperations({
      kind: 'createProject',
      message: 'project quota exceeded',
      status: 'RESOURCE_EXHAUSTED',
    });
    const [op] = await gcp.projects.createProject({
      project: { projectId: 'rm-failing-1', parent: DEMO_GCP.folders.platform },
    });
    const err = await errorOf(op.promise());
    expect(err.code).toBe(8);
    expect(err.message).toMatch(/project quota exceeded/);
    // It left no project behind: a re-run creates it.
    const [again] = await gcp.projects.createProject({
      project: { projectId: 'rm-failing-1', parent: DEMO_GCP.folders.platform },
    });
    await again.promise();

    await control.hangNextOperations({ kind: 'createProject' });
    const [hung] = await gcp.projects.createProject({
      project: { projectId: 'rm-hanging-1', parent: DEMO_GCP.folders.platform },
    });
    await new Promise(r => setTimeout(r, 100));
    const check = await gcp.projects.checkCreateProjectProgress(hung.name!);
    expect(check.done).toBe(false);
    expect(await control.releaseOperations('createProject')).toBe(1);
    const [released] = await hung.promise();
    expect(released.projectId).toBe('rm-hanging-1');
  });

  it('injected faults answer with Google error bodies (429 → RESOURCE_EXHAUSTED)', async () => {
    await sandbox.gcp!.control.injectFault({
      method: 'GET',
      path: '^/v3/projects/',
      status: 429,
      count: 1,
    });
    const err = await errorOf(
      gcp.projects.getProject({ name: `projects/${DEMO_GCP.project}` }),
    );
    expect(err.code).toBe(8);
    await sandbox.gcp!.control.injectFault({
      method: 'POST',
      path: '^/v3/projects',
      status: 409,
      reason: 'ALREADY_EXISTS',
    });
    expect(
      await codeOf(
        gcp.projects.createProject({
          project: {
            projectId: 'rm-fault-1',
            parent: DEMO_GCP.folders.platform,
          },
        }),
      ),
    ).toBe(6);
  });
});
