// @ts-check

/**
 * The history of traffic changes: one row per route, cluster and change.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('traffic_changes', table => {
    table.comment('Every change of a canary share made through Groundcrew');
    table.bigIncrements('id').primary();
    table.string('entity_ref').notNullable().comment('The catalog entity');
    table.string('actor').notNullable().comment('Who made the change');
    table.timestamp('changed_at', { useTz: true }).notNullable();
    table.string('route').notNullable().comment('<kind>/<namespace>/<name>');
    table.string('cluster').notNullable();
    table.float('before').notNullable().comment('Canary share before, %');
    table.float('after').notNullable().comment('Canary share after, %');
    table.string('action').notNullable().comment('set, next or rollback');
    table.text('reason').notNullable();
    table.index(['entity_ref', 'changed_at'], 'traffic_changes_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('traffic_changes');
};
