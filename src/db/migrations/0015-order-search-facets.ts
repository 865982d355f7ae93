// List orders' facets kept as counters (src/modules/search), by status and creation day (UTC) as the
// statistics' are, and for every status ('') and all days (''): per sales channel, seller and payment names, and
// per UTC day and hour of the creation, authorization and shipping estimate dates, so that a rolling range reads
// at most an hour of orders at each end, through the indexes made here. Filled here from the search index; the
// write path keeps them from then on.
import { sql, type Kysely, type RawBuilder } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_search_facets')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('facet', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('orders', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_search_facets_pk', ['account', 'facet', 'status', 'day', 'value'])
    .execute()
  for (const column of ['authorized_date', 'shipping_estimated_date']) {
    await db.schema
      .createIndex(`order_search_${column}_idx`)
      .on('order_search')
      .columns(['account', column])
      .execute()
  }
  // What each counter counts, and the date an order needs to be counted (a value facet's orders all count).
  const counts: [facet: string, value: Part, dated: string | undefined][] = [
    ...['sales_channel', 'seller_name', 'payment_names'].map((column): [string, Part, undefined] => [
      column,
      grouped(sql.ref(column)),
      undefined,
    ]),
    ...['creation_date', 'authorized_date', 'shipping_estimated_date'].flatMap(
      (column): [string, Part, string][] => [
        [`${column} day`, grouped(sql`substr(${sql.ref(column)}, 1, 10)`), column],
        [`${column} hour`, grouped(sql`substr(${sql.ref(column)}, 1, 13)`), column],
      ],
    ),
  ]
  for (const status of [grouped(sql`status`), constant('')]) {
    for (const day of [grouped(sql`substr(creation_date, 1, 10)`), constant('')]) {
      for (const [facet, value, dated] of counts) {
        const groups = [status, day, value].filter((part) => part.grouped).map((part) => part.sql)
        await sql`
          insert into order_search_facets (account, facet, status, day, value, orders)
          select account, ${sql.lit(facet)}, ${status.sql}, ${day.sql}, ${value.sql}, count(*) from order_search
          ${dated ? sql`where ${sql.ref(dated)} is not null` : sql``}
          group by ${sql.join([sql`account`, ...groups])}`.execute(db)
      }
    }
  }
}

/** A column of the counters as selected, and whether it is grouped by (PostgreSQL refuses to group by a constant). */
interface Part {
  sql: RawBuilder<unknown>
  grouped: boolean
}

const grouped = (expression: RawBuilder<unknown>): Part => ({ sql: expression, grouped: true })
const constant = (value: string): Part => ({ sql: sql.lit(value), grouped: false })
