// Feed items get an index per way they are found, each led by the feed: in event order (retrieval), by age
// (retention) and by handle (commit). 0006's one index by visibility made SQLite sort every visible item of
// the feed on each retrieval, and scan the whole feed to commit or expire a few. The fan-out reads the
// filter states of the orders it sees, across subscriptions: by order.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('feed_items_queue_idx').execute()
  await db.schema.dropIndex('feed_items_handle_idx').execute()
  await db.schema
    .createIndex('feed_items_order_idx')
    .on('feed_items')
    .columns(['account', 'app_key', 'id'])
    .execute()
  await db.schema
    .createIndex('feed_items_age_idx')
    .on('feed_items')
    .columns(['account', 'app_key', 'enqueued_at'])
    .execute()
  await db.schema
    .createIndex('feed_items_handle_idx')
    .on('feed_items')
    .columns(['account', 'app_key', 'handle'])
    .execute()
  await db.schema.createIndex('filter_states_order_idx').on('filter_states').column('order_id').execute()
}
