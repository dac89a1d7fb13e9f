import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';

/** The environment variable with a PostgreSQL connection string (a role that may create databases). */
export const TEST_POSTGRES_ENV = 'GROUNDCREW_TEST_POSTGRES';

/** @public */
export type TestDatabaseKind = 'sqlite' | 'postgres';

/**
 * The databases tests run against: SQLite always, PostgreSQL as well when `GROUNDCREW_TEST_POSTGRES`
 * is set. Use with `describe.each(testDatabaseKinds())`.
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return process.env[TEST_POSTGRES_ENV] ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** One database (or, for a backend, one set of plugin databases) that a test owns. */
export interface TestDatabase {
  kind: TestDatabaseKind;
  /** A new knex client on the test's database; several clients share its rows (like replicas). */
  knex(): Promise<Knex>;
  /** `backend.database` for a test backend; several backends with it share every plugin's data. */
  backendConfig(): JsonObject;
  /** Closes the clients made here and drops what the test created. */
  cleanup(): Promise<void>;
}

function withDatabase(connectionString: string, database: string) {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database of `kind`, unique to this call. */
export async function createTestDatabase(
  kind: TestDatabaseKind,
): Promise<TestDatabase> {
  const clients: Knex[] = [];
  if (kind === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'groundcrew-db-'));
    return {
      kind,
      async knex() {
        const client = knexFactory({
          client: 'better-sqlite3',
          connection: { filename: join(directory, 'test.sqlite') },
          useNullAsDefault: true,
        });
        clients.push(client);
        return client;
      },
      backendConfig: () => ({
        client: 'better-sqlite3',
        connection: { directory },
      }),
      async cleanup() {
        await Promise.all(clients.map(c => c.destroy()));
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const connectionString = process.env[TEST_POSTGRES_ENV];
  if (!connectionString) {
    throw new Error(`${TEST_POSTGRES_ENV} is not set`);
  }
  const prefix = `gc_test_${randomBytes(4).toString('hex')}_`;
  const admin = knexFactory({ client: 'pg', connection: connectionString });
  const own = `${prefix}direct`;
  await admin.raw('CREATE DATABASE ??', [own]);
  return {
    kind,
    async knex() {
      const client = knexFactory({
        client: 'pg',
        connection: withDatabase(connectionString, own),
      });
      clients.push(client);
      return client;
    },
    backendConfig: () => ({
      client: 'pg',
      connection: connectionString,
      // Every plugin database of the test backend is named `<prefix><plugin>`.
      prefix,
    }),
    async cleanup() {
      await Promise.all(clients.map(c => c.destroy()));
      const rows: Array<{ datname: string }> = (
        await admin.raw(
          'SELECT datname FROM pg_database WHERE datname LIKE ?',
          [`${prefix}%`],
        )
      ).rows;
      for (const { datname } of rows) {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      }
      await admin.destroy();
    },
  };
}
