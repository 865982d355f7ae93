// All SQL for an account's order modifications settings.
import type { Db } from '../../db/database.ts'
import type { ModificationSettingsDocument } from './modification.schemas.ts'

export async function findSettings(
  db: Db,
  account: string,
): Promise<ModificationSettingsDocument | undefined> {
  const row = await db
    .selectFrom('modification_settings')
    .select('settings_json')
    .where('account', '=', account)
    .executeTakeFirst()
  return row && (JSON.parse(row.settings_json) as ModificationSettingsDocument)
}

export async function saveSettings(
  db: Db,
  account: string,
  settings: ModificationSettingsDocument,
  now: string,
): Promise<void> {
  const fields = { settings_json: JSON.stringify(settings), updated_at: now }
  await db
    .insertInto('modification_settings')
    .values({ account, ...fields })
    .onConflict((conflict) => conflict.column('account').doUpdateSet(fields))
    .execute()
}
