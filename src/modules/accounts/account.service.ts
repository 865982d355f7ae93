// Use cases for accounts and their settings.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { MAX_GRACE_PERIOD_MINUTES, type AccountSettings } from './account-settings.ts'
import * as accounts from './account.repository.ts'

/** Account names appear in AppKeys and host names, so they follow host-name rules. */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

export async function createAccount({ db, clock }: Deps, name: string): Promise<void> {
  await db.transaction().execute((trx) => addAccount(trx, name, clock.now().toISOString()))
}

/** Creates an account inside the caller's transaction (the first start creates its admin key with it). */
export async function addAccount(db: Db, name: string, now: string): Promise<void> {
  if (!ACCOUNT_NAME.test(name)) {
    throw validationFailed(
      'Account names use lower-case letters, digits and hyphens, start with a letter or digit, and are at most 63 characters long.',
    )
  }
  if (await accounts.findAccount(db, name)) throw validationFailed(`Account ${name} already exists.`)
  await accounts.insertAccount(db, name, now)
}

export const accountExists = async ({ db }: Pick<Deps, 'db'>, name: string): Promise<boolean> =>
  (await accounts.findAccount(db, name)) !== undefined

export const hasAccounts = async (db: Db): Promise<boolean> => (await accounts.countAccounts(db)) > 0

/** The account's settings; inside a transaction, pass it as `db`. */
export async function getSettings({ db }: Pick<Deps, 'db'>, account: string): Promise<AccountSettings> {
  const found = await accounts.findAccount(db, account)
  if (!found) throw new AppError('NOT_FOUND', `Account ${account} does not exist.`)
  return found.settings
}

export async function changeSettings(
  deps: Deps,
  account: string,
  patch: Partial<AccountSettings>,
): Promise<AccountSettings> {
  const minutes = patch.cancellationGracePeriodMinutes
  if (
    minutes !== undefined &&
    (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_GRACE_PERIOD_MINUTES)
  ) {
    throw validationFailed(
      `cancellationGracePeriodMinutes must be a whole number of minutes between 0 and ${MAX_GRACE_PERIOD_MINUTES}.`,
    )
  }
  return deps.db.transaction().execute(async (trx) => {
    const found = await accounts.findAccount(trx, account)
    if (!found) throw new AppError('NOT_FOUND', `Account ${account} does not exist.`)
    const settings = { ...found.settings, ...patch }
    await accounts.updateSettings(trx, account, settings)
    return settings
  })
}
