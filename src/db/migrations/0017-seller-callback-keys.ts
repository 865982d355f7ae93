// An external seller calls back on the marketplace's Orders API (invoices, tracking, its cancellations) with a
// key of the marketplace's account, registered with the seller: a call with it is found to be that seller's by
// the key, which is one seller's only.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sellers').addColumn('callback_app_key', 'text').execute()
  await db.schema
    .createIndex('sellers_callback_key_idx')
    .unique()
    .on('sellers')
    .columns(['account', 'callback_app_key'])
    .execute()
}
