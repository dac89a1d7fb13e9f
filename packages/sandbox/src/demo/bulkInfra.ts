import { createHash } from 'node:crypto';
import { deployment } from '../kubernetes/workloads';
import type { KubeObject } from '../kubernetes/types';
import type { GcpFixture } from '../gcp/types';
import { DEMO_GCP } from '../gcp/demo';
import { VAULT_CANARY } from '../vault/demo';
import type { VaultFixture } from '../vault/types';

/**
 * Bulk infrastructure for scale tests and `yarn bench:search`, loaded through the public control
 * API on top of (or instead of) the demo: Runway services on clusters, GCP projects and Vault
 * secrets, with names that do not collide with the demo's. The default demo stays small.
 */

const CREATED = '2024-03-01T09:00:00.000Z';

function pad(n: number): string {
  return String(n).padStart(6, '0');
}

/** The name of bulk Runway service number `n`. */
export function bulkServiceName(n: number): string {
  return `bulk-svc-${pad(n)}`;
}

/**
 * Runway services `bulk-svc-<from>` … on one cluster: for each, a namespace (owner label), a
 * Deployment with no replicas (the pods are not what search reads) and an HTTPRoute with its host.
 */
export function bulkRunwayServices(opts: {
  cluster: string;
  from: number;
  count: number;
  /** Owner groups, used in turn (default team-0 … team-9). */
  owners?: string[];
}): KubeObject[] {
  const owners =
    opts.owners ?? Array.from({ length: 10 }, (_, i) => `team-${i}`);
  const out: KubeObject[] = [];
  for (let i = opts.from; i < opts.from + opts.count; i++) {
    const name = bulkServiceName(i);
    const labels = {
      'app.kubernetes.io/name': name,
      'runway.gitlab.com/service': name,
      'runway.gitlab.com/stage': 'main',
    };
    out.push(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          labels: {
            'runway.gitlab.com/service': name,
            'groundcrew.io/owner': owners[i % owners.length],
          },
        },
      },
      deployment({
        namespace: name,
        name,
        image: `registry.example.com/${name}:1.0.0`,
        replicas: 0,
        labels,
      }),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name, namespace: name, labels },
        spec: {
          hostnames: [`${name}.${opts.cluster}.example.com`],
          rules: [{ backendRefs: [{ name, port: 80, weight: 100 }] }],
        },
      },
    );
  }
  return out;
}

/** GCP projects `bulk-prj-<n>` in the demo organization's platform folder, visible to the portal. */
export function bulkGcpProjects(opts: {
  from?: number;
  count: number;
}): GcpFixture {
  const from = opts.from ?? 0;
  return {
    projects: Array.from({ length: opts.count }, (_, k) => {
      const i = from + k;
      return {
        projectId: `bulk-prj-${pad(i)}`,
        number: String(900_000_000_000 + i),
        parent: DEMO_GCP.folders.platform,
        displayName: `Bulk project ${i}`,
        labels: { team: `team-${i % 10}`, environment: 'staging' },
        createTime: CREATED,
        updateTime: CREATED,
        services: ['compute.googleapis.com', 'storage.googleapis.com'],
      };
    }),
  };
}

/**
 * KV v2 secrets `secret/bulk-svc-<n>/key-<k>`, `perFolder` to a service folder, each with one
 * version whose value carries the Vault canary (so a leak into a document would show).
 */
export function bulkVaultSecrets(opts: {
  count: number;
  perFolder?: number;
}): VaultFixture {
  const perFolder = opts.perFolder ?? 10;
  return {
    secrets: Array.from({ length: opts.count }, (_, i) => {
      const path = `${bulkServiceName(Math.floor(i / perFolder))}/key-${
        i % perFolder
      }`;
      const tag = createHash('sha256').update(path).digest('hex').slice(0, 8);
      return {
        mount: 'secret',
        path,
        versions: [
          { ageSeconds: 86_400, data: { value: `${VAULT_CANARY}-${tag}` } },
        ],
      };
    }),
  };
}
