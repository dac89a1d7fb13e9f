import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '@groundcrew/sandbox';
import { kubernetesCacheServiceRef } from '../../services';
import {
  eventually,
  startProbeBackend,
} from '../../__testUtils__/probeBackend';

describe('the cache with a rotated token file', () => {
  it('reads the file again after a 401 and recovers without a restart', async () => {
    const sandbox = await startSandbox({
      clusters: [{ name: 'gke-a' }],
      demo: true,
      gcp: { enabled: false },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'groundcrew-token-'));
    const tokenFile = path.join(dir, 'token');
    // The file still holds the token from before the rotation.
    fs.writeFileSync(tokenFile, 'rotated-away\n');
    const [cluster] = sandbox.kubernetes.clusters;
    const { services, stop } = await startProbeBackend({
      sandbox,
      kubernetes: {
        clusters: [
          {
            name: cluster.name,
            url: cluster.url,
            caData: sandbox.kubernetes.caPem,
            serviceAccountTokenFile: tokenFile,
          },
        ],
      },
      refs: { cache: kubernetesCacheServiceRef },
    });
    const { cache } = services;
    try {
      const refused = await eventually(() => {
        const [state] = cache.clusters();
        return state.message?.includes('401') ? state : undefined;
      });
      expect(refused.state).toBe('stale');
      // The rotation: the file now holds the token the cluster accepts.
      fs.writeFileSync(tokenFile, `${cluster.token}\n`);
      await eventually(
        () =>
          cache.clusters()[0].state === 'ok' &&
          [...cache.deployments(cluster.name)].length > 0,
        15_000,
      );
    } finally {
      await stop();
      await sandbox.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
