import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gcpServiceFactory,
  gcpServiceRef,
  kubernetesFleetServiceFactory,
  kubernetesFleetServiceRef,
} from '@groundcrew/plugin-infra-node';
import {
  actionContext,
  recordingAuditor,
  sandboxAppConfig,
  startServicesBackend,
} from '@groundcrew/plugin-infra-node/testUtils';
import { startSandbox } from '@groundcrew/sandbox';
import { KubeConfig } from '@kubernetes/client-node';
import { readRunwayActionsConfig, RunwayActionsConfig } from '../config';

/** The sandbox cluster, named as the actions' examples name it. */
export const CLUSTER = 'gke-prod-us-east1';
/** A member of team-ai (not of the platform group). */
export const TEAM_AI = ['user:default/demo', 'group:default/team-ai'];

/**
 * A sandbox (one Kubernetes cluster with fast controllers, and GCP with short operations) and a
 * backend holding the real fleet and GCP service, for the Runway actions.
 */
export async function startRunwayTestEnv() {
  const sandbox = await startSandbox({
    clusters: [{ name: CLUSTER }],
    demo: false,
    token: 'runway-test-token',
    timings: { podStartDelayMs: 20, podReadyDelayMs: 20, fluxReadyDelayMs: 30 },
    gcp: {
      timings: {
        projectCreateMs: 20,
        projectUpdateMs: 20,
        serviceEnableMs: 20,
        clusterCreateMs: 20,
        clusterDeleteMs: 20,
        runServiceCreateMs: 30,
        runServiceUpdateMs: 30,
        runServiceDeleteMs: 30,
      },
    },
  });
  const cluster = sandbox.kubernetes.clusters[0];
  const data = sandboxAppConfig(sandbox, {
    overrides: {
      groundcrew: {
        runway: {
          gke: { rolloutTimeoutMinutes: 0.5 },
          cloudRun: { operationTimeoutMinutes: 0.5 },
        },
      },
    },
  });
  const backend = await startServicesBackend({
    data,
    features: [gcpServiceFactory, kubernetesFleetServiceFactory],
    refs: { gcp: gcpServiceRef, fleet: kubernetesFleetServiceRef },
  });
  const { gcp, fleet } = backend.services;
  const config = readRunwayActionsConfig(new ConfigReader(data));
  const auditor = recordingAuditor();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: CLUSTER,
        server: cluster.url,
        caData: Buffer.from(sandbox.kubernetes.caPem).toString('base64'),
      },
    ],
    users: [{ name: 'test', token: cluster.token }],
    contexts: [{ name: CLUSTER, cluster: CLUSTER, user: 'test' }],
    currentContext: CLUSTER,
  });
  const workspaces: string[] = [];
  return {
    sandbox,
    gcp,
    fleet,
    config,
    auditor,
    /** A KubeConfig for the test's own reads of the cluster. */
    kubeConfig,
    cluster: sandbox.control[CLUSTER],
    deps(
      options: {
        ownership?: string[];
        permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
        config?: Partial<RunwayActionsConfig>;
      } = {},
    ) {
      return {
        gcp,
        fleet,
        permissions: mockServices.permissions({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
        userInfo: mockServices.userInfo({
          ownershipEntityRefs: options.ownership ?? TEAM_AI,
        }),
        auditor,
        config: { ...config, ...options.config },
      };
    },
    /** Mutating calls the cluster has answered so far. */
    kubeMutations: async () =>
      (await sandbox.control[CLUSTER].counters()).mutations,
    gcpMutations: async () => (await sandbox.gcp!.control.counters()).mutations,
    /** Runs an action in a fresh workspace, as the scaffolder would. */
    async run(
      action: { handler: (ctx: never) => Promise<void> },
      input: Record<string, unknown>,
      options: { dryRun?: boolean; workspacePath?: string } = {},
    ) {
      const c = actionContext(input, options);
      let workspacePath = options.workspacePath;
      if (!workspacePath) {
        workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'runway-'));
        workspaces.push(workspacePath);
      }
      await action.handler({ ...c.ctx, workspacePath } as never);
      return { ...c, workspacePath };
    },
    async stop() {
      await backend.stop();
      await sandbox.stop();
      for (const w of workspaces)
        fs.rmSync(w, { recursive: true, force: true });
    },
  };
}
