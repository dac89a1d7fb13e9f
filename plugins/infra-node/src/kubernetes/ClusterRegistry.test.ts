import {
  createTestDatabase,
  TestDatabase,
  testDatabaseKinds,
} from '../testUtils/testDatabases';
import { ClusterRegistry } from './ClusterRegistry';

const cluster = {
  name: 'gke-a',
  url: 'https://10.0.0.1',
  caData: 'LS0tLS1CRUdJTi0tLS0t',
  skipTLSVerify: false,
  auth: { type: 'credential' as const, name: 'gke-a-token' },
  labels: { region: 'us-east1', environment: 'production' },
};

// SQLite always; PostgreSQL too when GROUNDCREW_TEST_POSTGRES is set (as .ci/run does).
describe.each(testDatabaseKinds())('ClusterRegistry on %s', kind => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
  });
  afterEach(() => db.cleanup());

  it('registers, reads back, is idempotent, and removes', async () => {
    const registry = await ClusterRegistry.create({ knex: await db.knex() });
    expect(await registry.upsert(cluster, 'user:default/pat')).toBe(true);
    expect(await registry.list()).toEqual([
      {
        name: 'gke-a',
        url: 'https://10.0.0.1',
        caData: 'LS0tLS1CRUdJTi0tLS0t',
        skipTLSVerify: false,
        auth: { type: 'credential', name: 'gke-a-token' },
        // Stored with sorted keys.
        labels: { environment: 'production', region: 'us-east1' },
      },
    ]);
    // The same registration again changes nothing; a different one replaces the row.
    expect(await registry.upsert(cluster)).toBe(false);
    expect(
      await registry.upsert({
        ...cluster,
        auth: { type: 'tokenFile', path: '/t' },
      }),
    ).toBe(true);
    expect((await registry.list())[0].auth).toEqual({
      type: 'tokenFile',
      path: '/t',
    });
    expect(await registry.remove('gke-a')).toBe(true);
    expect(await registry.remove('gke-a')).toBe(false);
    expect(await registry.list()).toEqual([]);
  });

  it('is shared by replicas: two registries on one database see each other’s clusters', async () => {
    // Both create the table at once, as two replicas starting together would.
    const [a, b] = await Promise.all([
      db.knex().then(knex => ClusterRegistry.create({ knex })),
      db.knex().then(knex => ClusterRegistry.create({ knex })),
    ]);
    await a.upsert(cluster);
    expect((await b.list()).map(c => c.name)).toEqual(['gke-a']);
    await b.remove('gke-a');
    expect(await a.list()).toEqual([]);
  });
});
