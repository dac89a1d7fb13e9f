import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { TrafficChangeRecord } from '@groundcrew/plugin-infra-common';

const TABLE = 'traffic_changes';

interface Row {
  id: number | string;
  entity_ref: string;
  actor: string;
  changed_at: Date | string;
  route: string;
  cluster: string;
  before: number;
  after: number;
  action: string;
  reason: string;
}

export type NewTrafficChange = Omit<TrafficChangeRecord, 'id' | 'time'> & {
  time?: Date;
};

const MIGRATIONS = {
  directory: resolvePackagePath(
    '@groundcrew/plugin-traffic-backend',
    'migrations',
  ),
  tableName: 'traffic_knex_migrations',
};

/** How long a replica waits for another one's migrations before it gives up. */
const MIGRATION_PATIENCE_MS = 30_000;

/**
 * knex inserts the row of its lock table when it finds the table empty. Two replicas that look
 * at once both insert one, and knex's lock (an update that must change exactly one row) is then
 * refused for ever: "Migration table is already locked". Keeps the first row. Nobody can hold the
 * lock while there are two rows, so no held lock is dropped.
 */
async function dropDuplicateLockRows(knex: Knex) {
  const table = `${MIGRATIONS.tableName}_lock`;
  if (!(await knex.schema.hasTable(table))) return;
  const rows: { index: number }[] = await knex(table)
    .select('index')
    .orderBy('index');
  if (rows.length > 1) {
    await knex(table).where('index', '>', rows[0].index).delete();
  }
}

/**
 * Runs the migrations. Replicas that start together race to create knex's own tables, and one of
 * them holds the migration lock while the other is refused: both retry until the migrations have
 * run once, or until MIGRATION_PATIENCE_MS has passed.
 */
async function migrate(knex: Knex) {
  const deadline = Date.now() + MIGRATION_PATIENCE_MS;
  for (;;) {
    try {
      await knex.migrate.latest(MIGRATIONS);
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await dropDuplicateLockRows(knex);
      await new Promise(r => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

/**
 * The change history, in the plugin's database (SQLite or PostgreSQL). Every backend replica reads
 * and writes the same rows: nothing about the history is held in memory.
 */
export class TrafficHistory {
  /** Runs the plugin's knex migrations, then serves the history. */
  static async create(options: { knex: Knex; skipMigrations?: boolean }) {
    if (!options.skipMigrations) {
      await migrate(options.knex);
    }
    return new TrafficHistory(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  async add(change: NewTrafficChange): Promise<TrafficChangeRecord> {
    const time = change.time ?? new Date();
    const row = {
      entity_ref: change.entityRef,
      actor: change.actor,
      // An ISO string: better-sqlite3 cannot bind a Date, and PostgreSQL parses it.
      changed_at: time.toISOString(),
      route: change.route,
      cluster: change.cluster,
      before: change.before,
      after: change.after,
      action: change.action,
      reason: change.reason,
    };
    const [inserted] = await this.knex(TABLE).insert(row, ['id']);
    const id = Number(
      typeof inserted === 'object'
        ? (inserted as { id: unknown }).id
        : inserted,
    );
    return {
      id,
      entityRef: row.entity_ref,
      actor: row.actor,
      time: time.toISOString(),
      route: row.route,
      cluster: row.cluster,
      before: row.before,
      after: row.after,
      action: row.action,
      reason: row.reason,
    };
  }

  /** The entity's changes, oldest first (at most `limit`, the newest ones). */
  async list(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<TrafficChangeRecord[]> {
    const rows: Row[] = await this.knex(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'changed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 500);
    return rows.reverse().map(r => ({
      id: Number(r.id),
      entityRef: r.entity_ref,
      actor: r.actor,
      time: new Date(r.changed_at).toISOString(),
      route: r.route,
      cluster: r.cluster,
      before: Number(r.before),
      after: Number(r.after),
      action: r.action,
      reason: r.reason,
    }));
  }
}
