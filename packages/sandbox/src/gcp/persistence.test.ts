import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startSandbox } from '../sandbox';
import { FAST_GCP, gcpClients } from '../__testUtils__/gcp';
import { kubeConfigFor } from '../__testUtils__/kube';
import { DEMO_GCP } from './demo';

// Each test starts the whole sandbox twice: more than jest's 5 s on a busy machine.
jest.setTimeout(60_000);

describe('GCP imitation: state kept in <stateDir>/gcp.json across restarts', () => {
  let stateDir: string;

  beforeAll(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-gcp-'));
  });
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('keeps created projects and clusters; a cluster comes back on its former port', async () => {
    const options = {
      stateDir,
      clusters: [{ name: 'persist-base' }],
      token: 'persist-kube-token',
      gcp: { timings: FAST_GCP, token: 'persist-gcp-token' },
    };
    const first = await startSandbox(options);
    const gcp = gcpClients(first);
    const [op] = await gcp.projects.createProject({
      project: { projectId: 'persisted-1', parent: DEMO_GCP.folders.platform },
    });
    await op.promise();
    const parent = `projects/${DEMO_GCP.project}/locations/us-east1`;
    const [create] = await gcp.container.createCluster({
      parent,
      cluster: { name: 'gke-persisted' },
    });
    for (;;) {
      const [now] = await gcp.container.getOperation({
        name: `${parent}/operations/${create.name}`,
      });
      if (now.status === 'DONE') break;
      await new Promise(r => setTimeout(r, 10));
    }
    const [cluster] = await gcp.container.getCluster({
      name: `${parent}/clusters/gke-persisted`,
    });
    await first.stop();
    expect(fs.existsSync(path.join(stateDir, 'gcp.json'))).toBe(true);
    // Tokens are configuration: not in the persisted state.
    expect(
      fs.readFileSync(path.join(stateDir, 'gcp.json'), 'utf8'),
    ).not.toContain('persist-gcp-token');

    const second = await startSandbox(options);
    try {
      const again = gcpClients(second);
      const [project] = await again.projects.getProject({
        name: 'projects/persisted-1',
      });
      expect(project.projectId).toBe('persisted-1');
      const [back] = await again.container.getCluster({
        name: `${parent}/clusters/gke-persisted`,
      });
      expect(back.status).toBe('RUNNING');
      expect(back.endpoint).toBe(cluster.endpoint);
      expect(second.kubernetes.clusters.map(c => c.name)).toEqual([
        'persist-base',
        'gke-persisted',
      ]);
      const core = kubeConfigFor(second, 'gke-persisted').makeApiClient(
        CoreV1Api,
      );
      expect((await core.listNamespace()).items.length).toBe(2);
    } finally {
      await second.stop();
    }
  });

  it('keeps Cloud Run services and revisions; a version 1 file gets the demo Cloud Run service', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-gcp-run-'));
    try {
      const options = {
        stateDir: dir,
        clusters: [{ name: 'persist-run-base' }],
        token: 'persist-run-kube-token',
        gcp: { timings: FAST_GCP, token: 'persist-run-gcp-token' },
      };
      const first = await startSandbox(options);
      const parent = `projects/${DEMO_GCP.project}/locations/us-west1`;
      const [op] = await gcpClients(first).runServices.createService({
        parent,
        serviceId: 'kept',
        service: { template: { containers: [{ image: 'example/kept:1' }] } },
      });
      await op.promise();
      await first.stop();
      const file = path.join(dir, 'gcp.json');
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(saved.version).toBe(2);

      const second = await startSandbox(options);
      try {
        const [kept] = await gcpClients(second).runServices.getService({
          name: `${parent}/services/kept`,
        });
        expect(kept.terminalCondition?.state).toBe('CONDITION_SUCCEEDED');
        const [revisions] = await gcpClients(second).runRevisions.listRevisions(
          { parent: `${parent}/services/kept` },
        );
        expect(revisions).toHaveLength(1);
      } finally {
        await second.stop();
      }

      // A file from before Cloud Run: its state, and the fixture's Cloud Run records.
      delete saved.state.runServices;
      delete saved.state.runRevisions;
      fs.writeFileSync(file, JSON.stringify({ ...saved, version: 1 }));
      const third = await startSandbox(options);
      try {
        const [services] = await gcpClients(third).runServices.listServices({
          parent: `projects/${DEMO_GCP.project}/locations/-`,
        });
        expect(services.map(s => s.name?.split('/').pop())).toEqual([
          DEMO_GCP.runService.name,
        ]);
      } finally {
        await third.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
