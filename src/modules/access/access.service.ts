// Use cases for credentials: keys, user tokens, and turning request headers into a Principal.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import { randomToken, sha256 } from '../../platform/ids.ts'
import type { MaybePromise } from '../../platform/maybe-promise.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import type { Principal } from '../../platform/principal.ts'
import { accountExists, addAccount, hasAccounts } from '../accounts/account.service.ts'
import * as access from './access.repository.ts'
import type { UserToken } from './access.schemas.ts'
import { EXTERNAL_SELLER_ROLE, isRoleName, resourcesOf, ROLE_NAMES, type RoleName } from './roles.ts'

export { EXTERNAL_SELLER_ROLE } from './roles.ts'

export interface KeyPair {
  appKey: string
  appToken: string
}

export interface KeySummary {
  appKey: string
  roles: string[]
  label: string | null
  createdAt: string
  revokedAt: string | null
}

const USER_TOKEN_TTL_MS = 24 * 60 * 60 * 1000 // VTEX ID tokens live 24 h

export async function createKey(deps: Deps, input: KeyInput): Promise<KeyPair> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await accountExists({ db: trx }, input.account))) {
      throw new AppError('NOT_FOUND', `Account ${input.account} does not exist. Create it first.`)
    }
    return insertNewKey(trx, deps.clock.now().toISOString(), input)
  })
}

interface KeyInput {
  account: string
  roles: string[]
  label?: string | null
}

async function insertNewKey(db: Db, now: string, input: KeyInput): Promise<KeyPair> {
  const roles = checkRoles(input.roles)
  const pair: KeyPair = {
    appKey: `vtexappkey-${input.account}-${randomToken(6)}`,
    appToken: randomToken(100),
  }
  await access.insertKey(db, {
    appKey: pair.appKey,
    account: input.account,
    tokenHash: sha256(pair.appToken),
    roles,
    label: input.label ?? null,
    createdAt: now,
    revokedAt: null,
  })
  return pair
}

function checkRoles(roles: string[]): RoleName[] {
  if (roles.length === 0) throw validationFailed(`A key needs at least one role: ${ROLE_NAMES.join(', ')}.`)
  const unknown = roles.filter((role) => !isRoleName(role))
  if (unknown.length > 0) {
    throw validationFailed(`Unknown role ${unknown.join(', ')}. Known roles: ${ROLE_NAMES.join(', ')}.`)
  }
  return roles as RoleName[]
}

export async function listKeys({ db }: Deps, account: string): Promise<KeySummary[]> {
  const keys = await access.listKeys(db, account)
  return keys.map(({ appKey, roles, label, createdAt, revokedAt }) => ({
    appKey,
    roles,
    label,
    createdAt,
    revokedAt,
  }))
}

/** The roles of `appKey` when it is a key of `account` that has not been revoked. */
export async function activeKeyRoles(db: Db, account: string, appKey: string): Promise<string[] | undefined> {
  const key = await access.findKey(db, appKey)
  return key !== undefined && key.account === account && key.revokedAt === null ? key.roles : undefined
}

export async function revokeKey({ db, clock, credentials }: Deps, appKey: string): Promise<void> {
  const revoked = await db
    .transaction()
    .execute((trx) => access.revokeKey(trx, appKey, clock.now().toISOString()))
  if (!revoked) throw new AppError('NOT_FOUND', `No active key ${appKey}.`)
  credentials.forgetKey(appKey)
}

/**
 * On a database with no account yet: the `ordo` account and one full-access key, in one transaction so a
 * crash cannot leave an account nobody can use. Two servers starting at once: the loser finds the account.
 */
export function bootstrap(deps: Deps): Promise<KeyPair | undefined> {
  return retryOnConflict(() =>
    deps.db.transaction().execute(async (trx) => {
      if (await hasAccounts(trx)) return undefined
      const now = deps.clock.now().toISOString()
      await addAccount(trx, 'ordo', now)
      return insertNewKey(trx, now, {
        account: 'ordo',
        roles: ['OMS - Full access'],
        label: 'bootstrap admin key',
      })
    }),
  )
}

/** POST /api/vtexid/apptoken/login: a 24-hour user token carrying the key's roles. */
export async function login(deps: Deps, appKey: string, appToken: string): Promise<UserToken> {
  const key = await access.findKey(deps.db, appKey)
  if (!key || key.revokedAt || key.tokenHash !== sha256(appToken)) {
    throw new AppError('UNAUTHORIZED', 'The AppKey and AppToken do not match an active key.')
  }
  return mintUserToken(deps, { account: key.account, kind: 'key', appKey, email: null, roles: key.roles })
}

/** A 24-hour token that acts for one customer of the account: it sees and cancels only that customer's orders. */
export function createShopperToken(deps: Deps, account: string, email: string): Promise<UserToken> {
  return mintUserToken(deps, {
    account,
    kind: 'shopper',
    appKey: null,
    email: email.toLowerCase(),
    roles: [],
  })
}

async function mintUserToken(
  { db, clock }: Deps,
  record: Omit<access.UserTokenRecord, 'expiresAt'>,
): Promise<UserToken> {
  const now = clock.now()
  const expires = new Date(now.getTime() + USER_TOKEN_TTL_MS)
  const token = randomToken(96)
  await db.transaction().execute(async (trx) => {
    await access.deleteExpiredUserTokens(trx, now.toISOString())
    await access.insertUserToken(
      trx,
      sha256(token),
      { ...record, expiresAt: expires.toISOString() },
      now.toISOString(),
    )
  })
  return { token, expires: Math.floor(expires.getTime() / 1000) }
}

/** Who an admin session acts as: what the web app needs to show only what the role allows. */
export interface SessionView {
  account: string
  appKey: string | null
  roles: string[]
  resources: string[]
}

export const sessionView = (principal: Principal): SessionView => ({
  account: principal.account,
  appKey: principal.appKey,
  roles: [...principal.roles],
  resources: [...principal.resources],
})

export type SignIn = { appKey: string; appToken: string } | { userToken: string }

/**
 * Signs in to the admin: a key pair gets a new user token, a user token is taken as it is. Either way the
 * session is that token, so revoking the key ends it (revokeKey deletes the tokens minted from it).
 */
export async function openSession(
  deps: Deps,
  signIn: SignIn,
): Promise<{ token: UserToken; session: SessionView }> {
  const token =
    'userToken' in signIn
      ? await existingUserToken(deps, signIn.userToken)
      : await login(deps, signIn.appKey, signIn.appToken)
  const principal = await authenticate(deps, { userToken: token.token })
  if (principal.shopperEmail) {
    throw new AppError('FORBIDDEN', 'A shopper token acts for one customer: it cannot sign in to the admin.')
  }
  if (principal.roles.includes(EXTERNAL_SELLER_ROLE)) {
    throw new AppError(
      'FORBIDDEN',
      `A key with the role ${EXTERNAL_SELLER_ROLE} calls back for its seller: it cannot sign in to the admin.`,
    )
  }
  return { token, session: sessionView(principal) }
}

async function existingUserToken(deps: Deps, token: string): Promise<UserToken> {
  const record = await access.findUserToken(deps.db, sha256(token))
  const expires = record ? Date.parse(record.expiresAt) : 0
  if (!record || expires <= deps.clock.now().getTime()) {
    throw new AppError('UNAUTHORIZED', 'The user token is unknown or has expired.')
  }
  return { token, expires: Math.floor(expires / 1000) }
}

/** Signs out: the token stops working at once, in this process and (within the cache's bound) in others. */
export async function closeSession(deps: Deps, userToken: string): Promise<void> {
  const tokenHash = sha256(userToken)
  await deps.db.transaction().execute((trx) => access.deleteUserToken(trx, tokenHash))
  deps.credentials.forget(tokenHash)
}

export interface Credentials {
  appKey?: string | undefined
  appToken?: string | undefined
  userToken?: string | undefined
}

const unauthorized = () => new AppError('UNAUTHORIZED', 'Unauthorized access')

/** Cached under the secret's digest, so the cache holds no secret; undefined without credentials. */
const cacheKeyOf = ({ appKey, appToken, userToken }: Credentials): string | undefined =>
  appKey && appToken ? `${appKey}\n${sha256(appToken)}` : userToken ? sha256(userToken) : undefined

/**
 * The principal of `credentials`: at once when this process verified them within the credential cache's bound,
 * else a promise of the lookup, rejected with UNAUTHORIZED when they are missing, unknown or revoked. A guard
 * that gets the principal at once answers in the same tick. Authorization (resources) is the caller's job.
 */
export const principalOfCredentials = (deps: Deps, credentials: Credentials): MaybePromise<Principal> =>
  cachedPrincipal(deps, credentials) ??
  verify(deps, credentials, cacheKeyOf(credentials), deps.clock.now().getTime())

/** The principal of `credentials` when this process verified them within the credential cache's bound. */
export function cachedPrincipal(deps: Deps, credentials: Credentials): Principal | undefined {
  const cacheKey = cacheKeyOf(credentials)
  return cacheKey ? deps.credentials.get(cacheKey, deps.clock.now().getTime()) : undefined
}

/** Resolves a request's credentials, or rejects with UNAUTHORIZED. */
export const authenticate = async (deps: Deps, credentials: Credentials): Promise<Principal> =>
  principalOfCredentials(deps, credentials)

async function verify(
  deps: Deps,
  { appKey, appToken }: Credentials,
  cacheKey: string | undefined,
  now: number,
): Promise<Principal> {
  if (!cacheKey) throw unauthorized()
  if (appKey && appToken) {
    const key = await access.findKey(deps.db, appKey)
    if (!key || key.revokedAt || `${key.appKey}\n${key.tokenHash}` !== cacheKey) throw unauthorized()
    const found = principal(key.account, key.appKey, key.roles, null)
    deps.credentials.set(cacheKey, found)
    return found
  }
  const token = await access.findUserToken(deps.db, cacheKey)
  const expiresAt = token ? Date.parse(token.expiresAt) : 0
  if (!token || expiresAt <= now) throw unauthorized()
  const found = principal(
    token.account,
    token.appKey,
    token.roles,
    token.kind === 'shopper' ? token.email : null,
  )
  deps.credentials.set(cacheKey, found, expiresAt)
  return found
}

function principal(
  account: string,
  appKey: string | null,
  storedRoles: string[],
  shopperEmail: string | null,
): Principal {
  const roles = storedRoles.filter(isRoleName)
  return { account, appKey, roles, resources: resourcesOf(roles), shopperEmail }
}
