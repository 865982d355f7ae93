// One account's events in stream order, for the events stream (src/modules/events): the stream's index
// (tx_id, id) has every account's events, and the order index (account, order_id, id) only one order's, so
// reading an account after a position would otherwise walk other accounts' events too. Led by the account and
// then the stream's own order: (tx_id, id) on PostgreSQL, `id` alone on SQLite, where ids are commit order.
import type { Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createIndex('order_events_account_stream_idx')
    .on('order_events')
    .columns(dialect === 'postgres' ? ['account', 'tx_id', 'id'] : ['account', 'id'])
    .execute()
}
