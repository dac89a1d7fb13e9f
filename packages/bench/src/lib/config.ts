import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import type { Sandbox } from '@groundcrew/sandbox';

/** The catalog of the benchmark: one Component per synthetic service, as a file location. */
export function writeEntities(options: {
  dir: string;
  services: string[];
}): string {
  const file = path.join(options.dir, 'entities.yaml');
  const docs = options.services.map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: {
      type: 'service',
      owner: 'group:default/bench',
      lifecycle: 'production',
    },
  }));
  fs.writeFileSync(file, docs.map(d => yaml.stringify(d)).join('---\n'));
  return file;
}

/**
 * What both sides share: a backend on 127.0.0.1, SQLite in memory, a static token for the bench,
 * the same catalog file and permissions on (the allow-all policy module decides).
 */
export function baseConfig(options: {
  port: number;
  token: string;
  entitiesFile: string;
}): Record<string, unknown> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  return {
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port: options.port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: options.token, subject: 'bench' },
          },
        ],
      },
    },
    catalog: {
      rules: [{ allow: ['Component', 'Location'] }],
      locations: [{ type: 'file', target: options.entitiesFile }],
    },
    permission: { enabled: true },
  };
}

/**
 * Groundcrew: the fleet config of @groundcrew/plugin-infra-node, and how its cache lists
 * (`groundcrew.kubernetes.cache`; the plugin's defaults when not given).
 */
export function oursConfig(
  sandbox: Sandbox,
  cache: { listPageSize?: number; listConcurrency?: number } = {},
): Record<string, unknown> {
  return {
    groundcrew: {
      kubernetes: {
        cache,
        clusters: sandbox.kubernetes.clusters.map(c => ({
          name: c.name,
          url: c.url,
          caData: sandbox.kubernetes.caPem,
          token: c.token,
          labels: c.labels,
        })),
      },
    },
  };
}

/** The anchor, configured as CONTRACTS.md says: multiTenant, config clusters, service-account tokens. */
export function anchorConfig(sandbox: Sandbox): Record<string, unknown> {
  const caData = Buffer.from(sandbox.kubernetes.caPem).toString('base64');
  return {
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: sandbox.kubernetes.clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.token,
            caData,
          })),
        },
      ],
    },
  };
}
