// Each account's order modifications settings (src/modules/changes); an account without a row has the defaults.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('modification_settings')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
}
