// SQLite only: its event stream is read by id (one writer commits at a time, so ids are commit order and tx_id
// stays 0; see readEventStream), never through (tx_id, id). Every event still wrote that index, a page of the
// database's log per placement. PostgreSQL orders its stream by it.
import type { Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return
  await db.schema.dropIndex('order_events_stream_idx').execute()
}
