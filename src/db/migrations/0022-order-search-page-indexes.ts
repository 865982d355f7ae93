// List orders sorts by creation date with ties by order id. Without the order id in the index, SQLite sorted
// each tie group of the walk in a temporary tree: the unfiltered page 1 took 0.21 ms against 0.075 with it
// (100 000 seeded orders), and the export's keyset walk, (creation date, order id), is the same order.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('order_search_page_idx')
    .on('order_search')
    .columns(['account', 'creation_date', 'order_id'])
    .execute()
  await db.schema
    .createIndex('order_search_status_page_idx')
    .on('order_search')
    .columns(['account', 'status', 'creation_date', 'order_id'])
    .execute()
  await db.schema.dropIndex('order_search_created_idx').execute()
  await db.schema.dropIndex('order_search_status_idx').execute()
}
