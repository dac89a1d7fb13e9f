import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gcpServiceFactory,
  gcpServiceRef,
  kubernetesFleetServiceFactory,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import { Sandbox, startSandbox } from '@groundcrew/sandbox';
import { GcpActionsConfig, readGcpActionsConfig } from '../config';
import {
  recordingAuditor,
  sandboxAppConfig,
  startServicesBackend,
} from '@groundcrew/plugin-infra-node/testUtils';

export {
  actionContext,
  runAction,
} from '@groundcrew/plugin-infra-node/testUtils';

/** The demo organization's folders and billing account in the sandbox. */
export const DEMO = {
  platformFolder: 'folders/1001',
  teamAiFolder: 'folders/1002',
  billingAccount: 'billingAccounts/01A2B3-C4D5E6-F7A8B9',
  project: 'groundcrew-demo',
};

/** Config of the GCP service and the actions against a sandbox, with short waits. */
export function gcpTestConfig(sandbox: Sandbox) {
  // The sandbox's own cluster (gke-base) is in the fleet, so a template cannot take its name.
  return sandboxAppConfig(sandbox, {
    overrides: {
      groundcrew: {
        gcp: {
          retry: { attempts: 3 },
          parents: [
            { parent: DEMO.teamAiFolder, owners: ['group:default/team-ai'] },
          ],
        },
        gke: { fleetCredential: 'sandbox' },
        kubernetes: { registrySyncIntervalSeconds: 0.2 },
      },
    },
  });
}

/**
 * A sandbox with GCP (operations of a few tens of milliseconds) and one Kubernetes cluster, and a
 * backend holding the real GCP service and fleet, for action tests.
 */
export async function startGcpTestEnv() {
  const sandbox = await startSandbox({
    clusters: [{ name: 'gke-base' }],
    demo: false,
    token: 'test-kube-token',
    gcp: {
      timings: {
        projectCreateMs: 30,
        projectUpdateMs: 30,
        serviceEnableMs: 30,
        clusterCreateMs: 120,
        clusterDeleteMs: 30,
      },
    },
  });
  const data = gcpTestConfig(sandbox);
  const backend = await startServicesBackend({
    data,
    features: [gcpServiceFactory, kubernetesFleetServiceFactory],
    refs: { gcp: gcpServiceRef, fleet: kubernetesFleetServiceRef },
  });
  const { gcp, fleet } = backend.services;
  const config = readGcpActionsConfig(new ConfigReader(data));
  const auditor = recordingAuditor();
  return {
    sandbox,
    gcp,
    fleet,
    config,
    /** Every audit event the actions built on this env recorded. */
    auditor,
    /**
     * What an action is built with: this env's GCP, fleet, auditor and config, and a user who owns
     * `ownership` (the platform group unless told otherwise) and whom the policy allows or denies.
     */
    deps(
      options: {
        ownership?: string[];
        permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
        config?: Partial<GcpActionsConfig>;
      } = {},
    ) {
      return {
        gcp,
        fleet,
        permissions: mockServices.permissions({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
        userInfo: mockServices.userInfo({
          ownershipEntityRefs: options.ownership ?? ['group:default/platform'],
        }),
        auditor,
        config: { ...config, ...options.config },
      };
    },
    control: sandbox.gcp!.control,
    /** Mutating calls the GCP imitation has answered so far. */
    mutations: async () => (await sandbox.gcp!.control.counters()).mutations,
    async stop() {
      await backend.stop();
      await sandbox.stop();
    },
  };
}
