// SQLite only: the keys each transaction changed, in commit order, so that another connection's commit watch
// (db/commit-watch.ts) can forget just those instead of everything. PostgreSQL carries them by NOTIFY instead.
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return
  // AUTOINCREMENT: a sequence number is never used twice, also after the newest rows were pruned, so a watch
  // that finds the number after its last one missing knows it missed rows.
  await sql`create table commit_log (seq integer primary key autoincrement, payload text not null)`.execute(
    db,
  )
}
