// Accounts, credentials, orders and their event log. Portable column types only (text, integer, bigint:
// money and sequences outgrow 32 bits on PostgreSQL).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('settings_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('app_key', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull().references('accounts.name'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('roles_json', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('api_keys_account_idx').on('api_keys').column('account').execute()

  await db.schema
    .createTable('user_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull().references('accounts.name'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('app_key', 'text')
    .addColumn('email', 'text')
    .addColumn('roles_json', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('order_sequences')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('last_value', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('order_groups')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_group', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('marketplace_order_id', 'text')
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_groups_pk', ['account', 'order_group'])
    .execute()
  // NULLs are distinct in unique indexes on both dialects, so groups without a key never collide.
  await db.schema
    .createIndex('order_groups_idempotency_key_uq')
    .on('order_groups')
    .columns(['account', 'idempotency_key'])
    .unique()
    .execute()
  await db.schema
    .createIndex('order_groups_marketplace_order_id_uq')
    .on('order_groups')
    .columns(['account', 'marketplace_order_id'])
    .unique()
    .execute()

  await db.schema
    .createTable('orders')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_group', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('state_json', 'text', (c) => c.notNull())
    .addColumn('creation_date', 'text', (c) => c.notNull())
    .addColumn('last_change', 'text', (c) => c.notNull())
    .addColumn('marketplace_order_id', 'text')
    .addColumn('client_email', 'text')
    .addColumn('client_document', 'text')
    .addColumn('client_name', 'text')
    .addColumn('sales_channel', 'text', (c) => c.notNull())
    .addColumn('seller_names', 'text', (c) => c.notNull())
    .addColumn('total_value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('orders_pk', ['account', 'order_id'])
    .execute()
  await db.schema
    .createIndex('orders_sequence_uq')
    .on('orders')
    .columns(['account', 'sequence'])
    .unique()
    .execute()
  await db.schema.createIndex('orders_group_idx').on('orders').columns(['account', 'order_group']).execute()
  await db.schema
    .createIndex('orders_status_idx')
    .on('orders')
    .columns(['account', 'status', 'creation_date'])
    .execute()
  await db.schema
    .createIndex('orders_creation_idx')
    .on('orders')
    .columns(['account', 'creation_date'])
    .execute()

  await db.schema
    .createTable('order_events')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_state', 'text')
    .addColumn('last_change', 'text')
    .addColumn('current_change', 'text', (c) => c.notNull())
    .addColumn('order_version', 'integer', (c) => c.notNull())
    .addColumn('origin_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('order_events_order_idx')
    .on('order_events')
    .columns(['account', 'order_id', 'id'])
    .execute()

  await db.schema
    .createTable('order_interactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('order_interactions_order_idx')
    .on('order_interactions')
    .columns(['account', 'order_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('order_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('to_email', 'text', (c) => c.notNull())
    .addColumn('to_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('order_messages_order_idx')
    .on('order_messages')
    .columns(['account', 'order_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('timers_due_idx').on('timers').columns(['fired_at', 'due_at']).execute()
}
