// Closed settings and shared rate-limit counts. Portable column types only, as in 0001.
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../database.ts'

interface AccountRow {
  name: string
  settings_json: string
}

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Counted per key (account and group of routes) and window; read and written only on PostgreSQL, where
  // several processes share the counts (SQLite counts in its one process). Unlogged: a count is worth less
  // than a flush to disk on every request, and a crash that empties the table only restarts the minute.
  const table = db.schema.createTable('rate_limit_counts')
  await (dialect === 'postgres' ? table.modifyFront(sql`unlogged`) : table)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_number', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counts_pk', ['key', 'window_number'])
    .execute()
  await keepKnownSettings(db as Kysely<{ accounts: AccountRow }>)
}

/**
 * 0.1.0 stored any field it was sent, and every order placement reads the row, so the row is rewritten with
 * the one field 0.1.0 knew when its value is valid. Written out here, not imported, so this migration means
 * the same thing whatever the settings become later.
 */
async function keepKnownSettings(db: Kysely<{ accounts: AccountRow }>): Promise<void> {
  const rows = await db.selectFrom('accounts').select(['name', 'settings_json']).execute()
  for (const row of rows) {
    let stored: unknown
    try {
      stored = JSON.parse(row.settings_json)
    } catch {
      stored = {}
    }
    const minutes = (stored as { cancellationGracePeriodMinutes?: unknown } | null)
      ?.cancellationGracePeriodMinutes
    const valid =
      typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 0 && minutes <= 43_200
    const json = JSON.stringify(valid ? { cancellationGracePeriodMinutes: minutes } : {})
    if (json !== row.settings_json) {
      await db.updateTable('accounts').set({ settings_json: json }).where('name', '=', row.name).execute()
    }
  }
}
