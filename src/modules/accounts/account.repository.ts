// All SQL for accounts.
import type { Db } from '../../db/database.ts'
import { readSettings, type AccountSettings } from './account-settings.ts'

export interface Account {
  name: string
  settings: AccountSettings
  createdAt: string
}

export async function insertAccount(db: Db, name: string, createdAt: string): Promise<void> {
  await db.insertInto('accounts').values({ name, settings_json: '{}', created_at: createdAt }).execute()
}

/**
 * `forUpdate` locks the row until the transaction ends (PostgreSQL only: SQLite has one writer at a time and
 * no row locks), so that two changes of an account's settings cannot both start from the same version.
 */
export async function findAccount(
  db: Db,
  name: string,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<Account | undefined> {
  const query = db.selectFrom('accounts').selectAll().where('name', '=', name)
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
  return row && { name: row.name, settings: readSettings(row.settings_json), createdAt: row.created_at }
}

export async function countAccounts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function updateSettings(db: Db, name: string, settings: AccountSettings): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ settings_json: JSON.stringify(settings) })
    .where('name', '=', name)
    .execute()
}
