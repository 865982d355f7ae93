// Two indexes of the first schema, from before List orders had its own table (order_search, 0013): no query reads
// orders by status or by creation date any more, and every placement and every change of status paid for them,
// a page each written to the database's log per transaction.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_status_idx').execute()
  await db.schema.dropIndex('orders_creation_idx').execute()
}
