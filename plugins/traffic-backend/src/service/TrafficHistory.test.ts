import {
  createTestDatabase,
  TestDatabase,
  testDatabaseKinds,
} from '@groundcrew/plugin-infra-node/testUtils';
import { TrafficHistory } from './TrafficHistory';

const change = {
  entityRef: 'component:default/ai-gateway',
  actor: 'user:default/demo',
  route: 'HTTPRoute/ai-gateway/ai-gateway',
  cluster: 'gke-prod-us-east1',
  before: 5,
  after: 25,
  action: 'next',
  reason: 'error rate flat for an hour',
};

// SQLite always; PostgreSQL too when GROUNDCREW_TEST_POSTGRES is set (as .ci/run does).
describe.each(testDatabaseKinds())('TrafficHistory on %s', kind => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(kind);
  });
  afterEach(() => db.cleanup());

  it('runs its migrations and keeps every change, oldest first, per entity', async () => {
    const knex = await db.knex();
    const history = await TrafficHistory.create({ knex });
    expect(await knex.schema.hasTable('traffic_changes')).toBe(true);
    const first = await history.add({
      ...change,
      time: new Date('2026-11-29T10:00:00Z'),
    });
    await history.add({
      ...change,
      before: 25,
      after: 0.5,
      action: 'set',
      reason: 'half a percent',
      time: new Date('2026-11-29T11:00:00Z'),
    });
    await history.add({
      ...change,
      entityRef: 'component:default/checkout-api',
    });
    expect(first.id).toEqual(expect.any(Number));
    const rows = await history.list('component:default/ai-gateway');
    expect(rows.map(r => [r.time, r.before, r.after, r.reason])).toEqual([
      ['2026-11-29T10:00:00.000Z', 5, 25, 'error rate flat for an hour'],
      ['2026-11-29T11:00:00.000Z', 25, 0.5, 'half a percent'],
    ]);
    expect(rows[0]).toMatchObject({
      actor: 'user:default/demo',
      route: 'HTTPRoute/ai-gateway/ai-gateway',
      cluster: 'gke-prod-us-east1',
      action: 'next',
    });
    // The newest N, still oldest first.
    expect(
      (await history.list('component:default/ai-gateway', { limit: 1 })).map(
        r => r.after,
      ),
    ).toEqual([0.5]);
  });

  it('migrates when two replicas both wrote the lock row of a fresh database', async () => {
    // The race knex leaves open: both replicas found the lock table empty and inserted a row.
    // knex then refuses its lock for ever ("Migration table is already locked").
    const knex = await db.knex();
    await knex.schema.createTable('traffic_knex_migrations_lock', t => {
      t.increments('index').primary();
      t.integer('is_locked');
    });
    await knex('traffic_knex_migrations_lock').insert([
      { is_locked: 0 },
      { is_locked: 0 },
    ]);
    const history = await TrafficHistory.create({ knex });
    await history.add(change);
    expect(await history.list(change.entityRef)).toHaveLength(1);
    expect(await knex('traffic_knex_migrations_lock').select()).toEqual([
      { index: 1, is_locked: 0 },
    ]);
  });

  it('is shared by replicas: two services on one database (migrated twice) see the same rows', async () => {
    const [a, b] = await Promise.all([
      db.knex().then(knex => TrafficHistory.create({ knex })),
      db.knex().then(knex => TrafficHistory.create({ knex })),
    ]);
    await a.add(change);
    await b.add({ ...change, before: 25, after: 50 });
    for (const replica of [a, b]) {
      expect((await replica.list(change.entityRef)).map(r => r.after)).toEqual([
        25, 50,
      ]);
    }
  });
});
