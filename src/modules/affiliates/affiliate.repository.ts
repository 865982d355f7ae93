// All SQL for an account's affiliates.
import type { Db } from '../../db/database.ts'
import type { Affiliate } from './affiliate.ts'
import type { AffiliateTable } from './affiliate.table.ts'

const affiliateOf = (row: AffiliateTable): Affiliate => ({
  id: row.affiliate_id,
  name: row.name,
  servicesEndpoint: row.services_endpoint,
  headers: JSON.parse(row.headers_json) as Record<string, string>,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export async function findAffiliates(db: Db, account: string): Promise<Affiliate[]> {
  const rows = await db
    .selectFrom('affiliates')
    .selectAll()
    .where('account', '=', account)
    .orderBy('affiliate_id')
    .execute()
  return rows.map(affiliateOf)
}

export async function findAffiliate(db: Db, account: string, id: string): Promise<Affiliate | undefined> {
  const row = await db
    .selectFrom('affiliates')
    .selectAll()
    .where('account', '=', account)
    .where('affiliate_id', '=', id)
    .executeTakeFirst()
  return row && affiliateOf(row)
}

/** Registers the affiliate, or replaces its registration (keeping when it was first made). */
export async function saveAffiliate(db: Db, account: string, affiliate: Affiliate): Promise<void> {
  const fields = {
    name: affiliate.name,
    services_endpoint: affiliate.servicesEndpoint,
    headers_json: JSON.stringify(affiliate.headers),
    updated_at: affiliate.updatedAt,
  }
  await db
    .insertInto('affiliates')
    .values({ account, affiliate_id: affiliate.id, created_at: affiliate.createdAt, ...fields })
    .onConflict((conflict) => conflict.columns(['account', 'affiliate_id']).doUpdateSet(fields))
    .execute()
}

/** Whether there was such an affiliate to remove. */
export async function deleteAffiliate(db: Db, account: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('affiliates')
    .where('account', '=', account)
    .where('affiliate_id', '=', id)
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}
