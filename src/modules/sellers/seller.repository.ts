// All SQL for an account's registered sellers.
import type { Db } from '../../db/database.ts'
import type { Seller } from './seller.ts'
import type { SellerTable } from './seller.table.ts'

const sellerOf = (row: SellerTable): Seller => ({
  id: row.seller_id,
  name: row.name,
  target:
    row.seller_account !== null
      ? { kind: 'account', account: row.seller_account }
      : {
          kind: 'external',
          fulfillmentEndpoint: row.fulfillment_endpoint ?? '',
          headers: JSON.parse(row.headers_json ?? '{}') as Record<string, string>,
          callbackAppKey: row.callback_app_key,
        },
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export async function findSellers(db: Db, account: string): Promise<Seller[]> {
  const rows = await db
    .selectFrom('sellers')
    .selectAll()
    .where('account', '=', account)
    .orderBy('seller_id')
    .execute()
  return rows.map(sellerOf)
}

export async function findSeller(db: Db, account: string, id: string): Promise<Seller | undefined> {
  const row = await db
    .selectFrom('sellers')
    .selectAll()
    .where('account', '=', account)
    .where('seller_id', '=', id)
    .executeTakeFirst()
  return row && sellerOf(row)
}

/** Those of `ids` the account registered. */
export async function findSellersById(db: Db, account: string, ids: readonly string[]): Promise<Seller[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('sellers')
    .selectAll()
    .where('account', '=', account)
    .where('seller_id', 'in', ids)
    .execute()
  return rows.map(sellerOf)
}

/** The seller whose calls back are made with `appKey`. */
export async function findSellerByCallbackKey(
  db: Db,
  account: string,
  appKey: string,
): Promise<Seller | undefined> {
  const row = await db
    .selectFrom('sellers')
    .selectAll()
    .where('account', '=', account)
    .where('callback_app_key', '=', appKey)
    .executeTakeFirst()
  return row && sellerOf(row)
}

/** Registers the seller, or replaces its registration (keeping when it was first made). */
export async function saveSeller(db: Db, account: string, seller: Seller): Promise<void> {
  const { target } = seller
  const fields = {
    name: seller.name,
    seller_account: target.kind === 'account' ? target.account : null,
    fulfillment_endpoint: target.kind === 'external' ? target.fulfillmentEndpoint : null,
    headers_json: target.kind === 'external' ? JSON.stringify(target.headers) : null,
    callback_app_key: target.kind === 'external' ? target.callbackAppKey : null,
    updated_at: seller.updatedAt,
  }
  await db
    .insertInto('sellers')
    .values({ account, seller_id: seller.id, created_at: seller.createdAt, ...fields })
    .onConflict((conflict) => conflict.columns(['account', 'seller_id']).doUpdateSet(fields))
    .execute()
}

/** Whether there was such a seller to remove. */
export async function deleteSeller(db: Db, account: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sellers')
    .where('account', '=', account)
    .where('seller_id', '=', id)
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}
