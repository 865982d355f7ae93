// Feed v3: configurations per account and AppKey, their queued items, and the fan-out's place in the event
// stream. Portable column types only, as in 0001.
import type { Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('feed_configs')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('filter_json', 'text', (c) => c.notNull())
    .addColumn('visibility_timeout_s', 'integer', (c) => c.notNull())
    .addColumn('retention_s', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_configs_pk', ['account', 'app_key'])
    .execute()
  await db.schema
    .createTable('feed_items')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_state', 'text')
    .addColumn('last_change', 'text')
    .addColumn('current_change', 'text', (c) => c.notNull())
    .addColumn('enqueued_at', 'text', (c) => c.notNull())
    .addColumn('visible_at', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addUniqueConstraint('feed_items_event_unique', ['account', 'app_key', 'event_id'])
    .execute()
  // Retrieval: a feed's visible items, oldest first.
  await db.schema
    .createIndex('feed_items_queue_idx')
    .on('feed_items')
    .columns(['account', 'app_key', 'visible_at', 'id'])
    .execute()
  await db.schema.createIndex('feed_items_handle_idx').on('feed_items').column('handle').execute()
  await db.schema
    .createTable('stream_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('tx', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .execute()
}
