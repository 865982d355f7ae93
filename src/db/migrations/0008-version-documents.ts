// The document of each order version until the fan-out has read it (FromOrders filters evaluate every
// version), and each JSONata filter's last answer per order (single fire). Portable column types only.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_version_documents')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_version_documents_pk', ['account', 'order_id', 'version'])
    .execute()
  await db.schema
    .createTable('filter_states')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addPrimaryKeyConstraint('filter_states_pk', ['account', 'app_key', 'channel', 'order_id'])
    .execute()
}
