// List orders' statistics kept as counters (src/modules/search): per account, creation day (UTC) and status, and
// per origin and currency as VTEX's stats facet them, the orders' count, sums and extremes; day '' holds all
// days. Filled here from the search index; the write path keeps them from then on.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_search_stats')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('currency_code', 'text', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addColumn('value_sum', 'bigint', (c) => c.notNull())
    .addColumn('value_squares', 'double precision', (c) => c.notNull())
    .addColumn('items_sum', 'bigint', (c) => c.notNull())
    .addColumn('items_squares', 'double precision', (c) => c.notNull())
    // Null once the last order has left the bucket; each with how many of its orders are at it.
    .addColumn('value_min', 'bigint')
    .addColumn('value_max', 'bigint')
    .addColumn('items_min', 'bigint')
    .addColumn('items_max', 'bigint')
    .addColumn('value_min_n', 'bigint', (c) => c.notNull())
    .addColumn('value_max_n', 'bigint', (c) => c.notNull())
    .addColumn('items_min_n', 'bigint', (c) => c.notNull())
    .addColumn('items_max_n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_search_stats_pk', ['account', 'day', 'status', 'origin', 'currency_code'])
    .execute()
  // Finding a status's extremes again over its days, when an order that held one leaves it.
  await db.schema
    .createIndex('order_search_stats_status_idx')
    .on('order_search_stats')
    .columns(['account', 'status', 'origin', 'currency_code', 'day'])
    .execute()
  // Each day's, then all days' (grouping by a constant is an error on PostgreSQL); then how many orders are
  // at each extreme.
  for (const [day, group] of [
    [sql`substr(creation_date, 1, 10)`, sql`, substr(creation_date, 1, 10)`],
    [sql`''`, sql``],
  ]) {
    await sql`
      insert into order_search_stats
      select account, ${day}, status, origin, currency_code, count(*),
        sum(total_value), sum(cast(total_value as double precision) * total_value),
        sum(total_items), sum(cast(total_items as double precision) * total_items),
        min(total_value), max(total_value), min(total_items), max(total_items), 0, 0, 0, 0
      from order_search
      group by account${group}, status, origin, currency_code`.execute(db)
  }
  for (const [holders, column, of] of [
    ['value_min_n', 'value_min', 'total_value'],
    ['value_max_n', 'value_max', 'total_value'],
    ['items_min_n', 'items_min', 'total_items'],
    ['items_max_n', 'items_max', 'total_items'],
  ] as const) {
    await sql`
      update order_search_stats set ${sql.ref(holders)} = (
        select count(*) from order_search o
        where o.account = order_search_stats.account and o.status = order_search_stats.status
          and o.origin = order_search_stats.origin and o.currency_code = order_search_stats.currency_code
          and (order_search_stats.day = '' or substr(o.creation_date, 1, 10) = order_search_stats.day)
          and o.${sql.ref(of)} = order_search_stats.${sql.ref(column)})`.execute(db)
  }
}
