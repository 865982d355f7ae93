// Use cases for accounts and their settings.
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { MAX_GRACE_PERIOD_MINUTES, type AccountSettings } from './account-settings.ts'
import * as accounts from './account.repository.ts'

/** Account names appear in AppKeys and host names, so they follow host-name rules. */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

export async function createAccount({ db, clock }: Deps, name: string): Promise<void> {
  if (!ACCOUNT_NAME.test(name)) {
    throw validationFailed(
      'Account names use lower-case letters, digits and hyphens, start with a letter or digit, and are at most 63 characters long.',
    )
  }
  await db.transaction().execute(async (trx) => {
    if (await accounts.findAccount(trx, name)) throw validationFailed(`Account ${name} already exists.`)
    await accounts.insertAccount(trx, name, clock.now().toISOString())
  })
}

export async function getSettings({ db }: Deps, account: string): Promise<AccountSettings> {
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
