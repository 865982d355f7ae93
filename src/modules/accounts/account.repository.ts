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

export async function findAccount(db: Db, name: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst()
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
