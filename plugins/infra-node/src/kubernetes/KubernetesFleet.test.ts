import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import { kubernetesFleetServiceRef } from '../services';
import { startProbeBackend } from '../__testUtils__/probeBackend';
import { FleetEvent, KubernetesFleetService } from './KubernetesFleet';

/** A backend with the default fleet: gke-a from config, gke-b's token as a named credential. */
async function startFleetBackend(options: { dbDir: string; sandbox: Sandbox }) {
  const { services, stop } = await startProbeBackend({
    sandbox: options.sandbox,
    clusters: ['gke-a'],
    database: {
      client: 'better-sqlite3',
      connection: { directory: options.dbDir },
    },
    kubernetes: {
      credentials: {
        second: { token: options.sandbox.kubernetes.clusters[1].token },
      },
    },
    refs: { fleet: kubernetesFleetServiceRef },
  });
  return { fleet: services.fleet, stop };
}

async function namespaces(fleet: KubernetesFleetService, cluster: string) {
  const api = (await fleet.getKubeConfig(cluster)).makeApiClient(CoreV1Api);
  const list = await api.listNamespace();
  return list.items.map(n => n.metadata!.name);
}

describe('KubernetesFleet', () => {
  let sandbox: Sandbox;
  let dbDir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clusters: [
        { name: 'gke-a', labels: { environment: 'production' } },
        { name: 'gke-b' },
      ],
      demo: false,
    });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
  });
  afterEach(() => fs.rmSync(dbDir, { recursive: true, force: true }));

  it('reaches a configured cluster with the real client', async () => {
    const { fleet, stop } = await startFleetBackend({ dbDir, sandbox });
    try {
      expect(await fleet.listClusters()).toEqual([
        {
          name: 'gke-a',
          url: sandbox.kubernetes.clusters[0].url,
          labels: { environment: 'production' },
          source: 'config',
        },
      ]);
      expect(await namespaces(fleet, 'gke-a')).toContain('kube-system');
      await expect(fleet.getKubeConfig('gke-z')).rejects.toThrow(
        'No cluster named "gke-z" in the fleet',
      );
    } finally {
      await stop();
    }
  });

  it('registers a cluster at run time, idempotently, and keeps it across a restart', async () => {
    const b = sandbox.kubernetes.clusters[1];
    const registration = {
      name: 'gke-b',
      url: b.url,
      caData: sandbox.kubernetes.caPem,
      auth: { type: 'credential' as const, name: 'second' },
      labels: { environment: 'staging', region: 'europe-west1' },
    };
    const first = await startFleetBackend({ dbDir, sandbox });
    try {
      const events: FleetEvent[] = [];
      first.fleet.subscribe(e => events.push(e));
      const created = await first.fleet.registerCluster(registration, {
        actor: 'user:default/pat',
      });
      expect(created.changed).toBe(true);
      expect(events.map(e => `${e.type} ${e.cluster.name}`)).toEqual([
        'added gke-b',
      ]);
      const again = await first.fleet.registerCluster(registration);
      expect(again.changed).toBe(false);
      expect(events).toHaveLength(1);
      expect(await namespaces(first.fleet, 'gke-b')).toContain('default');
    } finally {
      await first.stop();
    }

    const second = await startFleetBackend({ dbDir, sandbox });
    try {
      expect(
        (await second.fleet.listClusters()).map(c => [c.name, c.source]),
      ).toEqual([
        ['gke-a', 'config'],
        ['gke-b', 'registered'],
      ]);
      expect(await namespaces(second.fleet, 'gke-b')).toContain('default');
      expect(await second.fleet.unregisterCluster('gke-b')).toEqual({
        removed: true,
      });
      await expect(second.fleet.getKubeConfig('gke-b')).rejects.toThrow(
        'No cluster named "gke-b"',
      );
    } finally {
      await second.stop();
    }
  });

  it('tells a replica about a cluster another replica registered', async () => {
    const one = await startFleetBackend({ dbDir, sandbox });
    const two = await startFleetBackend({ dbDir, sandbox });
    try {
      const seen = new Promise<FleetEvent>(resolve => {
        two.fleet.subscribe(resolve);
      });
      await one.fleet.registerCluster({
        name: 'gke-b',
        url: sandbox.kubernetes.clusters[1].url,
        caData: sandbox.kubernetes.caPem,
        auth: { type: 'credential', name: 'second' },
      });
      const event = await seen;
      expect(event).toMatchObject({
        type: 'added',
        cluster: { name: 'gke-b', source: 'registered' },
      });
      expect(await namespaces(two.fleet, 'gke-b')).toContain('default');
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it('refuses bad registrations with errors that name the field', async () => {
    const { fleet, stop } = await startFleetBackend({ dbDir, sandbox });
    try {
      await expect(
        fleet.registerCluster({
          name: 'gke-a',
          url: 'https://127.0.0.1:1',
          auth: { type: 'credential', name: 'second' },
        }),
      ).rejects.toThrow('Cluster "gke-a" is defined in app config');
      await expect(
        fleet.registerCluster({
          name: 'gke-c',
          url: 'nope',
          auth: { type: 'credential', name: 'second' },
        }),
      ).rejects.toThrow('cluster.url is not a valid URL: "nope"');
      await expect(
        fleet.registerCluster({
          name: 'gke-c',
          url: 'https://127.0.0.1:1',
          auth: { type: 'credential', name: 'missing' },
        }),
      ).rejects.toThrow('cluster.auth.name "missing" is not a credential');
      expect((await fleet.listClusters()).map(c => c.name)).toEqual(['gke-a']);
    } finally {
      await stop();
    }
  });
});
