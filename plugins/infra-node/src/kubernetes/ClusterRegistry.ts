import { Knex } from 'knex';
import { ClusterAuth, ClusterDefinition } from './clusterConfig';

const TABLE = 'groundcrew_fleet_clusters';

interface Row {
  name: string;
  url: string;
  ca_data: string | null;
  skip_tls_verify: boolean | number;
  auth_type: 'tokenFile' | 'credential';
  auth_ref: string;
  labels: string;
  registered_by: string | null;
  registered_at: string;
}

/**
 * Clusters registered at run time, kept in the database so they survive a restart and are seen by
 * every backend replica. Credentials are references (a credential name or a token file), never
 * tokens.
 *
 * @internal
 */
export class ClusterRegistry {
  static async create(options: { knex: Knex }) {
    const { knex } = options;
    if (!(await knex.schema.hasTable(TABLE))) {
      try {
        await knex.schema.createTable(TABLE, t => {
          t.string('name').primary();
          t.text('url').notNullable();
          t.text('ca_data').nullable();
          t.boolean('skip_tls_verify').notNullable().defaultTo(false);
          t.string('auth_type').notNullable();
          t.text('auth_ref').notNullable();
          t.text('labels').notNullable();
          t.string('registered_by').nullable();
          t.string('registered_at').notNullable();
        });
      } catch (error) {
        // Another replica may have created it between our check and our create.
        if (!(await knex.schema.hasTable(TABLE))) {
          throw error;
        }
      }
    }
    return new ClusterRegistry(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async list(): Promise<ClusterDefinition[]> {
    const rows: Row[] = await this.knex(TABLE).select().orderBy('name');
    return rows.map(row => ({
      name: row.name,
      url: row.url,
      caData: row.ca_data ?? undefined,
      skipTLSVerify: Boolean(row.skip_tls_verify),
      auth: (row.auth_type === 'tokenFile'
        ? { type: 'tokenFile', path: row.auth_ref }
        : { type: 'credential', name: row.auth_ref }) as ClusterAuth,
      labels: JSON.parse(row.labels),
    }));
  }

  /** Inserts or replaces; returns false when an identical row was already there. */
  async upsert(
    cluster: ClusterDefinition & {
      auth: Exclude<ClusterAuth, { type: 'token' }>;
    },
    registeredBy?: string,
  ): Promise<boolean> {
    const row: Omit<Row, 'registered_at'> = {
      name: cluster.name,
      url: cluster.url,
      ca_data: cluster.caData ?? null,
      skip_tls_verify: cluster.skipTLSVerify ?? false,
      auth_type: cluster.auth.type,
      auth_ref:
        cluster.auth.type === 'tokenFile'
          ? cluster.auth.path
          : cluster.auth.name,
      labels: JSON.stringify(sortKeys(cluster.labels)),
      registered_by: registeredBy ?? null,
    };
    const existing: Row | undefined = await this.knex(TABLE)
      .where({ name: cluster.name })
      .first();
    if (existing && sameRow(existing, row)) {
      return false;
    }
    await this.knex(TABLE)
      .insert({ ...row, registered_at: new Date().toISOString() })
      .onConflict('name')
      .merge();
    return true;
  }

  async remove(name: string): Promise<boolean> {
    return (await this.knex(TABLE).where({ name }).delete()) > 0;
  }
}

function sortKeys(labels: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)),
  );
}

function sameRow(a: Row, b: Omit<Row, 'registered_at'>) {
  return (
    a.url === b.url &&
    (a.ca_data ?? null) === b.ca_data &&
    Boolean(a.skip_tls_verify) === Boolean(b.skip_tls_verify) &&
    a.auth_type === b.auth_type &&
    a.auth_ref === b.auth_ref &&
    a.labels === b.labels
  );
}
