// Use cases for accounts and their settings.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { applySettingsPatch, type AccountSettings, type SettingsPatch } from './account-settings.ts'
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

/** The account with its settings; inside a transaction, pass it as `db`. */
export async function getAccount({ db }: Pick<Deps, 'db'>, account: string): Promise<accounts.Account> {
  const found = await accounts.findAccount(db, account)
  if (!found) throw new AppError('NOT_FOUND', `Account ${account} does not exist.`)
  return found
}

/** The account's settings; inside a transaction, pass it as `db`. */
export const getSettings = async (deps: Pick<Deps, 'db'>, account: string): Promise<AccountSettings> =>
  (await getAccount(deps, account)).settings

export async function changeSettings(
  deps: Deps,
  account: string,
  patch: SettingsPatch,
): Promise<AccountSettings> {
  const settings = await deps.db.transaction().execute(async (trx) => {
    const found = await accounts.findAccount(trx, account, { forUpdate: deps.dialect === 'postgres' })
    if (!found) throw new AppError('NOT_FOUND', `Account ${account} does not exist.`)
    const changed = applySettingsPatch(found.settings, patch)
    await accounts.updateSettings(trx, account, changed)
    return changed
  })
  cacheOf(deps.db).set(account, { settings, until: Date.now() + SETTINGS_CACHE_MS })
  return settings
}

/**
 * How long a process keeps an account's settings for the checks made on every request (rate limits): a
 * change made through this process applies at once, one made through another within this time.
 */
const SETTINGS_CACHE_MS = 1000

type SettingsCache = Map<string, { settings: AccountSettings; until: number }>
const caches = new WeakMap<Db, SettingsCache>()

function cacheOf(db: Db): SettingsCache {
  const cached = caches.get(db)
  if (cached) return cached
  const cache: SettingsCache = new Map()
  caches.set(db, cache)
  return cache
}

/** The account's settings if this process read them less than a second ago. */
export function cachedSettings({ db }: Pick<Deps, 'db'>, account: string): AccountSettings | undefined {
  const cached = cacheOf(db).get(account)
  return cached && cached.until > Date.now() ? cached.settings : undefined
}

/** The account's settings, read at most once a second per process: for checks on hot paths. */
export async function recentSettings(deps: Pick<Deps, 'db'>, account: string): Promise<AccountSettings> {
  const cached = cachedSettings(deps, account)
  if (cached) return cached
  const settings = await getSettings(deps, account)
  const cache = cacheOf(deps.db)
  if (cache.size > 10_000) cache.clear()
  cache.set(account, { settings, until: Date.now() + SETTINGS_CACHE_MS })
  return settings
}
