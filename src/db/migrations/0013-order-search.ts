// The search index of List orders: one row per order, kept by the write path (src/modules/search). Rows of the
// orders stored before it are written at the next start (refreshSearchIndex).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_search')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('creation_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('sales_channel', 'text', (c) => c.notNull())
    .addColumn('affiliate_id', 'text', (c) => c.notNull())
    .addColumn('seller_name', 'text', (c) => c.notNull())
    .addColumn('client_name', 'text', (c) => c.notNull())
    .addColumn('client_email', 'text', (c) => c.notNull())
    .addColumn('client_document', 'text', (c) => c.notNull())
    .addColumn('payment_names', 'text', (c) => c.notNull())
    .addColumn('total_value', 'bigint', (c) => c.notNull())
    .addColumn('total_items', 'integer', (c) => c.notNull())
    .addColumn('currency_code', 'text', (c) => c.notNull())
    .addColumn('authorized_date', 'text')
    .addColumn('invoiced_date', 'text')
    .addColumn('shipping_estimated_date', 'text')
    .addColumn('has_input_invoice', 'integer', (c) => c.notNull())
    .addColumn('list_item_json', 'text', (c) => c.notNull())
    .addColumn('index_version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_search_pk', ['account', 'order_id'])
    .execute()
  // The default order, newest first, and the status screen merchants live in.
  await db.schema
    .createIndex('order_search_created_idx')
    .on('order_search')
    .columns(['account', 'creation_date'])
    .execute()
  await db.schema
    .createIndex('order_search_status_idx')
    .on('order_search')
    .columns(['account', 'status', 'creation_date'])
    .execute()
  // searchField's lookups: an order's SKUs, payment ids and TIDs.
  await db.schema
    .createTable('order_search_terms')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_search_terms_pk', ['account', 'kind', 'term', 'order_id'])
    .execute()
  await db.schema
    .createIndex('order_search_terms_order_idx')
    .on('order_search_terms')
    .columns(['account', 'order_id'])
    .execute()
}
