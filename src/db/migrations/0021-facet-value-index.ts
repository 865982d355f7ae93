// The counters of an hour (List orders' date buckets) are asked for by their value, the hour, across every day
// in scope; by the primary key, which leads with the day, that read every hour counter of every day in scope, and
// those grow with the orders of each day. This index finds the few hours asked for whatever the days hold.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('order_search_facets_value_idx')
    .on('order_search_facets')
    .columns(['account', 'facet', 'status', 'value', 'day'])
    .execute()
}
