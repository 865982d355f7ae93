// All SQL for credentials. Rows in, plain values out.
import type { Selectable } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { ApiKeyTable } from './access.table.ts'

export interface KeyRecord {
  appKey: string
  account: string
  tokenHash: string
  roles: string[]
  label: string | null
  createdAt: string
  revokedAt: string | null
}

export interface UserTokenRecord {
  account: string
  kind: 'key' | 'shopper'
  appKey: string | null
  email: string | null
  roles: string[]
  expiresAt: string
}

export async function insertKey(db: Db, key: KeyRecord): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      app_key: key.appKey,
      account: key.account,
      token_hash: key.tokenHash,
      roles_json: JSON.stringify(key.roles),
      label: key.label,
      created_at: key.createdAt,
      revoked_at: key.revokedAt,
    })
    .execute()
}

export async function findKey(db: Db, appKey: string): Promise<KeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('app_key', '=', appKey).executeTakeFirst()
  return row && toKeyRecord(row)
}

export async function listKeys(db: Db, account: string): Promise<KeyRecord[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('account', '=', account)
    .orderBy('created_at')
    .execute()
  return rows.map(toKeyRecord)
}

function toKeyRecord(row: Selectable<ApiKeyTable>): KeyRecord {
  return {
    appKey: row.app_key,
    account: row.account,
    tokenHash: row.token_hash,
    roles: JSON.parse(row.roles_json) as string[],
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }
}

export async function revokeKey(db: Db, appKey: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('app_key', '=', appKey)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) return false
  // Tokens minted from a revoked key die with it.
  await db.deleteFrom('user_tokens').where('app_key', '=', appKey).execute()
  return true
}

export async function insertUserToken(
  db: Db,
  tokenHash: string,
  token: UserTokenRecord,
  now: string,
): Promise<void> {
  await db
    .insertInto('user_tokens')
    .values({
      token_hash: tokenHash,
      account: token.account,
      kind: token.kind,
      app_key: token.appKey,
      email: token.email,
      roles_json: JSON.stringify(token.roles),
      expires_at: token.expiresAt,
      created_at: now,
    })
    .execute()
}

export async function findUserToken(db: Db, tokenHash: string): Promise<UserTokenRecord | undefined> {
  const row = await db
    .selectFrom('user_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  return (
    row && {
      account: row.account,
      kind: row.kind === 'shopper' ? 'shopper' : 'key',
      appKey: row.app_key,
      email: row.email,
      roles: JSON.parse(row.roles_json) as string[],
      expiresAt: row.expires_at,
    }
  )
}

export async function deleteUserToken(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('user_tokens').where('token_hash', '=', tokenHash).execute()
}

export async function deleteExpiredUserTokens(db: Db, now: string): Promise<void> {
  await db.deleteFrom('user_tokens').where('expires_at', '<', now).execute()
}
