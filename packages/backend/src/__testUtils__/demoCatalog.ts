import path from 'node:path';
import type { Server } from 'node:http';
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';

const repo = path.resolve(__dirname, '../../../..');

/**
 * The backend and catalog config of a test portal: an in-memory database and the demo catalog
 * (examples/all.yaml), with the software templates when asked.
 */
export function demoCatalogConfig(options: { templates?: boolean } = {}) {
  return {
    backend: {
      baseUrl: 'http://localhost:0',
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    catalog: {
      rules: [
        {
          allow: [
            'Component',
            'System',
            'Domain',
            'Group',
            'User',
            'Location',
            ...(options.templates ? ['Template'] : []),
          ],
        },
      ],
      locations: [
        { type: 'file', target: path.join(repo, 'examples/all.yaml') },
        ...(options.templates
          ? [
              {
                type: 'file',
                target: path.join(repo, 'templates/*/template.yaml'),
              },
            ]
          : []),
      ],
      processingInterval: { seconds: 1 },
    },
  };
}

/**
 * Waits until the catalog, which reads its locations in the background, serves every entity
 * (`kind/namespace/name`); fails with what it does serve otherwise.
 */
export async function waitForEntities(
  server: Server,
  entities: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await Promise.all(
      entities.map(async e => {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/${e}`)
          .set('Authorization', mockCredentials.service.header());
        return res.status === 200;
      }),
    );
    if (found.every(Boolean)) return;
    if (Date.now() > deadline) {
      const all = await request(server)
        .get('/api/catalog/entities')
        .set('Authorization', mockCredentials.service.header());
      throw new Error(
        `the catalog does not serve ${entities
          .filter((_, i) => !found[i])
          .join(', ')}; it has ${JSON.stringify(
          (all.body as Array<{ kind: string; metadata: { name: string } }>).map(
            e => `${e.kind}:${e.metadata.name}`,
          ),
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
}
