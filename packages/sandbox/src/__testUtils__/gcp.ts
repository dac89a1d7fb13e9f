import { CloudBillingClient } from '@google-cloud/billing';
import { ClusterManagerClient } from '@google-cloud/container';
import {
  FoldersClient,
  OrganizationsClient,
  ProjectsClient,
} from '@google-cloud/resource-manager';
import { RevisionsClient, ServicesClient } from '@google-cloud/run';
import { ServiceUsageClient } from '@google-cloud/service-usage';
// The auth client the portal points Google's clients with. Test-only and not
// declared: declaring the package would make a dependency cycle (it tests
// against this sandbox).
// eslint-disable-next-line @backstage/no-undeclared-imports
import { StaticTokenAuthClient } from '@groundcrew/plugin-infra-node';
import type { Sandbox } from '../sandbox';

export interface GcpClientsOptions {
  /** Another principal's token (default: the demo principal's). */
  token?: string;
}

/** Google's official clients in REST mode, pointed at the sandbox's GCP imitation. */
export function gcpClients(sandbox: Sandbox, options: GcpClientsOptions = {}) {
  const gcp = sandbox.gcp!;
  const authClient = new StaticTokenAuthClient({
    token: options.token ?? gcp.token,
    caPem: sandbox.kubernetes.caPem,
  });
  const opts = {
    fallback: true,
    protocol: 'https',
    apiEndpoint: '127.0.0.1',
    port: Number(new URL(gcp.url).port),
    authClient,
  };
  return {
    projects: new ProjectsClient(opts),
    folders: new FoldersClient(opts),
    organizations: new OrganizationsClient(opts),
    billing: new CloudBillingClient(opts),
    serviceUsage: new ServiceUsageClient(opts),
    container: new ClusterManagerClient(opts),
    runServices: new ServicesClient(opts),
    runRevisions: new RevisionsClient(opts),
  };
}

export type GcpClients = ReturnType<typeof gcpClients>;

/** What a Google client's error carries (google-gax `GoogleError`). */
export interface GoogleClientError extends Error {
  code?: number;
  reason?: string;
  details?: unknown;
  /** The google.rpc details; a BadRequest carries its field violations. */
  statusDetails?: Array<{
    fieldViolations?: Array<{ field?: string; description?: string }>;
  }>;
}

/** The error a call fails with. */
export async function errorOf(p: Promise<unknown>): Promise<GoogleClientError> {
  try {
    await p;
  } catch (e) {
    return e as GoogleClientError;
  }
  throw new Error('expected the call to fail');
}

/** Operation timings of a few tens of milliseconds. */
export const FAST_GCP = {
  projectCreateMs: 30,
  projectUpdateMs: 20,
  projectDeleteMs: 20,
  serviceEnableMs: 30,
  clusterCreateMs: 150,
  clusterDeleteMs: 40,
  runServiceCreateMs: 40,
  runServiceUpdateMs: 40,
  runServiceDeleteMs: 20,
};

/** The gRPC code of a client error (`GoogleError.code`). */
export async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  return (await errorOf(p)).code;
}
