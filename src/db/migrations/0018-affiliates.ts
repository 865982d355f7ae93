// The marketplaces elsewhere each account sells for as an external seller (src/modules/affiliates).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('affiliates')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('affiliate_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('services_endpoint', 'text')
    .addColumn('headers_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('affiliates_pk', ['account', 'affiliate_id'])
    .execute()
}
