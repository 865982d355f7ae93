// All SQL for the search index: the row each saved order leaves, and the List orders queries over them.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely'
import type { Database, Db } from '../../db/database.ts'
import type {
  Bucket,
  DateRange,
  FacetCounts,
  ListQuery,
  OrderField,
  SearchRow,
  SearchTerm,
  Sums,
} from './search.ts'

export async function saveRow(db: Db, row: SearchRow): Promise<void> {
  const { account, order_id, ...rest } = row
  await db
    .insertInto('order_search')
    .values(row)
    .onConflict((oc) => oc.columns(['account', 'order_id']).doUpdateSet(rest))
    .execute()
}

/** The order's searchField terms, as they are now. */
export async function saveTerms(
  db: Db,
  account: string,
  orderId: string,
  terms: readonly SearchTerm[],
): Promise<void> {
  await db
    .deleteFrom('order_search_terms')
    .where('account', '=', account)
    .where('order_id', '=', orderId)
    .execute()
  if (terms.length === 0) return
  await db
    .insertInto('order_search_terms')
    .values(terms.map((term) => ({ ...term, account, order_id: orderId })))
    .execute()
}

/** `%` and `_` in what a user typed are matched as themselves. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

type Search = SelectQueryBuilder<Database, 'order_search', object>

function filtered(db: Db, account: string, query: ListQuery): Search {
  let q: Search = db.selectFrom('order_search').where('account', '=', account)
  // f_status and f_statusDescription may agree on no status: an empty IN list is an error on PostgreSQL.
  if (query.matchesNothing || query.statuses?.length === 0) q = q.where(sql<boolean>`1 = 0`)
  const { statuses, text, creationDate, authorizedDate, invoicedDate, shippingEstimate } = query
  if (statuses?.length) q = q.where('status', 'in', statuses)
  if (text) {
    const lower = text.toLowerCase()
    q = q.where((eb) =>
      eb.or([
        eb('order_id', '=', text),
        eb('client_email', '=', lower),
        eb('client_document', '=', text),
        eb('client_name', 'like', sql<string>`${`%${literal(lower)}%`} escape '\\'`),
      ]),
    )
  }
  for (const term of query.terms) {
    q = q.where('order_id', 'in', (eb) =>
      eb
        .selectFrom('order_search_terms')
        .select('order_search_terms.order_id')
        .where('order_search_terms.account', '=', account)
        .where('kind', '=', term.kind)
        .where('term', '=', term.term),
    )
  }
  if (query.clientEmail) q = q.where('client_email', '=', query.clientEmail)
  const exact = query.exactText
  if (exact) {
    q = q.where((eb) =>
      eb.or([
        eb('order_id', '=', exact),
        eb('client_email', '=', exact.toLowerCase()),
        eb('client_document', '=', exact),
        eb('client_name', '=', exact.toLowerCase()),
      ]),
    )
  }
  for (const [column, range] of [
    ['creation_date', creationDate],
    ['authorized_date', authorizedDate],
    ['invoiced_date', invoicedDate],
    ['shipping_estimated_date', shippingEstimate],
  ] as const) {
    if (range) q = q.where((eb) => inRange(eb, column, range))
  }
  if (query.salesChannel) q = q.where('sales_channel', '=', query.salesChannel)
  if (query.affiliateId) q = q.where('affiliate_id', '=', query.affiliateId)
  if (query.sellerName) q = q.where('seller_name', '=', query.sellerName)
  if (query.hasInputInvoice !== undefined) {
    q = q.where('has_input_invoice', '=', query.hasInputInvoice ? 1 : 0)
  }
  return q
}

type DateColumn = 'creation_date' | 'authorized_date' | 'invoiced_date' | 'shipping_estimated_date'

/** An open range still asks for the date to be there: an order never invoiced has no invoiced date. */
function inRange(eb: ExpressionBuilder<Database, 'order_search'>, column: DateColumn, range: DateRange) {
  return eb.and([
    eb(column, 'is not', null),
    ...(range.from ? [eb(column, '>=', range.from)] : []),
    ...(range.to ? [eb(column, range.toExclusive ? '<' : '<=', range.to)] : []),
  ])
}

/** How many matching orders each facet value and each bucket has (FacetCounts in search.ts). */
export async function facetCounts(
  db: Db,
  account: string,
  query: ListQuery,
  buckets: readonly Bucket[],
): Promise<FacetCounts> {
  const by = async (column: 'sales_channel' | 'seller_name' | 'payment_names' | 'status') =>
    (
      await filtered(db, account, query)
        .select((eb) => [sql.ref<string>(column).as('value'), eb.fn.countAll<number | string>().as('count')])
        .groupBy(column)
        .execute()
    ).map((row) => ({ value: row.value, count: Number(row.count) }))
  const [salesChannels, sellers, paymentNames, statuses, counted] = await Promise.all([
    by('sales_channel'),
    by('seller_name'),
    by('payment_names'),
    by('status'),
    filtered(db, account, query)
      .select((eb) =>
        buckets.map((bucket, index) =>
          eb.fn
            .sum<number | string>(
              eb
                .case()
                .when(inRange(eb, bucket.column, bucket.range))
                .then(1)
                .else(0)
                .end(),
            )
            .as(`b${index}`),
        ),
      )
      .executeTakeFirst(),
  ])
  const row = (counted ?? {}) as Record<string, number | string | null>
  return {
    salesChannels,
    sellers,
    paymentNames,
    statuses,
    buckets: buckets.map((_, index) => Number(row[`b${index}`] ?? 0)),
  }
}

/** How many orders match, where no statistic is wanted (user orders, an export's progress). */
export async function countMatching(db: Db, account: string, query: ListQuery): Promise<number> {
  const row = await filtered(db, account, query)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The matching orders' count and sums, per origin and currency: the paging total and every statistic. */
export async function sumsByGroup(
  db: Db,
  account: string,
  query: ListQuery,
): Promise<{ origin: string; currency: string; value: Sums; items: Sums }[]> {
  // Squares in floating point: a million orders' squared cents overflow SQLite's 64-bit integer sum.
  const squares = (column: 'total_value' | 'total_items') =>
    sql<number>`sum(cast(${sql.ref(column)} as double precision) * ${sql.ref(column)})`
  const rows = await filtered(db, account, query)
    .select((eb) => [
      'origin',
      'currency_code',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.min('total_value').as('value_min'),
      eb.fn.max('total_value').as('value_max'),
      eb.fn.sum<number | string>('total_value').as('value_sum'),
      squares('total_value').as('value_squares'),
      eb.fn.min('total_items').as('items_min'),
      eb.fn.max('total_items').as('items_max'),
      eb.fn.sum<number | string>('total_items').as('items_sum'),
      squares('total_items').as('items_squares'),
    ])
    .groupBy(['origin', 'currency_code'])
    .execute()
  return rows.map((row) => {
    const count = Number(row.count)
    return {
      origin: row.origin,
      currency: row.currency_code,
      value: {
        count,
        min: Number(row.value_min),
        max: Number(row.value_max),
        sum: Number(row.value_sum),
        sumOfSquares: Number(row.value_squares),
      },
      items: {
        count,
        min: Number(row.items_min),
        max: Number(row.items_max),
        sum: Number(row.items_sum),
        sumOfSquares: Number(row.items_squares),
      },
    }
  })
}

const SORT_COLUMNS: Record<
  OrderField,
  'creation_date' | 'order_id' | 'total_items' | 'total_value' | 'origin'
> = {
  creationDate: 'creation_date',
  orderId: 'order_id',
  items: 'total_items',
  totalValue: 'total_value',
  origin: 'origin',
}

/** The list items of the page asked for, in the order asked for (ties by order id). */
export async function pageOf(db: Db, account: string, query: ListQuery): Promise<string[]> {
  const { field, direction } = query.orderBy
  const rows = await filtered(db, account, query)
    .select('list_item_json')
    .orderBy(SORT_COLUMNS[field], direction)
    .orderBy('order_id', direction)
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage)
    .execute()
  return rows.map((row) => row.list_item_json)
}

/**
 * Orders whose row is missing or was written by an older SEARCH_VERSION, up to `limit`. It reads the order
 * core's table, which only this start-up step does: the write path keeps the rows from then on.
 */
export const staleOrders = (
  db: Db,
  version: number,
  limit: number,
): Promise<{ account: string; orderId: string }[]> =>
  db
    .selectFrom('orders as o')
    .leftJoin('order_search as s', (join) =>
      join.onRef('s.account', '=', 'o.account').onRef('s.order_id', '=', 'o.order_id'),
    )
    .select(['o.account', 'o.order_id as orderId'])
    .where((eb) => eb.or([eb('s.order_id', 'is', null), eb('s.index_version', '<', version)]))
    .orderBy('o.account')
    .orderBy('o.order_id')
    .limit(limit)
    .execute()

/** Where an export has got to: the last order it wrote, in (creation date, order id) order. */
export interface ExportPosition {
  creationDate: string
  orderId: string
}

/** The next `limit` matching orders after `after`, oldest first: a walk over all of them that holds no offset. */
export const exportPage = (
  db: Db,
  account: string,
  query: ListQuery,
  after: ExportPosition | undefined,
  limit: number,
): Promise<{ order_id: string; creation_date: string; list_item_json: string }[]> => {
  let q = filtered(db, account, query)
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('creation_date', '>', after.creationDate),
        eb.and([eb('creation_date', '=', after.creationDate), eb('order_id', '>', after.orderId)]),
      ]),
    )
  }
  return q
    .select(['order_id', 'creation_date', 'list_item_json'])
    .orderBy('creation_date')
    .orderBy('order_id')
    .limit(limit)
    .execute()
}
