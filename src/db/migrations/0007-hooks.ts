// Hooks: configurations per account and AppKey, their deliveries (one per event) and every attempt. Portable
// column types only, as in 0001.
import type { Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const id = (table: ReturnType<Kysely<unknown>['schema']['createTable']>) =>
    table.addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
  await db.schema
    .createTable('hook_configs')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('filter_json', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('headers_json', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hook_configs_pk', ['account', 'app_key'])
    .execute()
  await id(db.schema.createTable('hook_deliveries'))
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('hook_deliveries_event_unique', ['account', 'app_key', 'event_id'])
    .execute()
  // A hook's deliveries of one order, in event order: what the next delivery of the order is.
  await db.schema
    .createIndex('hook_deliveries_order_idx')
    .on('hook_deliveries')
    .columns(['account', 'app_key', 'order_id', 'id'])
    .execute()
  await db.schema
    .createIndex('hook_deliveries_status_idx')
    .on('hook_deliveries')
    .columns(['account', 'app_key', 'status', 'id'])
    .execute()
  await id(db.schema.createTable('hook_attempts'))
    .addColumn('delivery_id', 'bigint', (c) => c.notNull())
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute()
  await db.schema
    .createIndex('hook_attempts_delivery_idx')
    .on('hook_attempts')
    .column('delivery_id')
    .execute()
}
