// The sellers each account registered (src/modules/sellers); seller 1, the account itself, has no row.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sellers')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('seller_account', 'text')
    .addColumn('fulfillment_endpoint', 'text')
    .addColumn('headers_json', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sellers_pk', ['account', 'seller_id'])
    .execute()
}
