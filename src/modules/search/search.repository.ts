// All SQL for the search index: the row each saved order leaves, and the List orders queries over them.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely'
import { inListRuns, insertRuns, type Database, type Db } from '../../db/database.ts'
import type {
  Bucket,
  Counted,
  DateRange,
  Departure,
  FacetCounts,
  ListQuery,
  OrderField,
  SearchRow,
  SearchTerm,
  StatsRow,
  Sums,
} from './search.ts'

/** The orders' ids, per account, in runs an `IN` list holds. */
function* idRuns(orders: readonly { account: string; orderId: string }[]): Generator<[string, string[]]> {
  for (const account of new Set(orders.map((order) => order.account))) {
    const ids = orders.filter((order) => order.account === account).map((order) => order.orderId)
    for (const run of inListRuns(ids)) yield [account, run]
  }
}

/** Each order's row as it is now. */
export async function saveRows(db: Db, rows: readonly SearchRow[]): Promise<void> {
  const [first] = rows
  if (!first) return
  const { account, order_id, ...rest } = first
  const updated = Object.fromEntries(
    Object.keys(rest).map((column) => [column, sql.ref(`excluded.${column}`)]),
  ) as unknown as Omit<SearchRow, 'account' | 'order_id'>
  for (const run of insertRuns(rows)) {
    await db
      .insertInto('order_search')
      .values(run)
      .onConflict((oc) => oc.columns(['account', 'order_id']).doUpdateSet(updated))
      .execute()
  }
}

/** Each order's searchField terms, as they are now. */
export async function saveTerms(
  db: Db,
  orders: readonly { account: string; orderId: string; terms: readonly SearchTerm[] }[],
): Promise<void> {
  for (const [account, ids] of idRuns(orders)) {
    await db
      .deleteFrom('order_search_terms')
      .where('account', '=', account)
      .where('order_id', 'in', ids)
      .execute()
  }
  const rows = orders.flatMap(({ account, orderId, terms }) =>
    terms.map((term) => ({ ...term, account, order_id: orderId })),
  )
  for (const run of insertRuns(rows)) await db.insertInto('order_search_terms').values(run).execute()
}

/** The counted columns of the orders' rows as they are before a save (new orders have none). */
export async function countedRows(
  db: Db,
  orders: readonly { account: string; orderId: string }[],
): Promise<Map<string, Counted>> {
  const found = new Map<string, Counted>()
  for (const [account, ids] of idRuns(orders)) {
    const rows = await db
      .selectFrom('order_search')
      .select([
        'account',
        'order_id',
        'creation_date',
        'status',
        'origin',
        'currency_code',
        'total_value',
        'total_items',
      ])
      .where('account', '=', account)
      .where('order_id', 'in', ids)
      .execute()
    for (const { order_id, ...row } of rows) found.set(`${account} ${order_id}`, row)
  }
  return found
}

/** Adds each change to its bucket; the extremes of the orders added are taken in, those of departures not. */
export async function addStats(db: Db, changes: readonly StatsRow[]): Promise<void> {
  const lower = (column: 'value_min' | 'items_min') =>
    sql<number>`case when excluded.${sql.ref(column)} < order_search_stats.${sql.ref(column)} or order_search_stats.${sql.ref(column)} is null then excluded.${sql.ref(column)} else order_search_stats.${sql.ref(column)} end`
  const higher = (column: 'value_max' | 'items_max') =>
    sql<number>`case when excluded.${sql.ref(column)} > order_search_stats.${sql.ref(column)} or order_search_stats.${sql.ref(column)} is null then excluded.${sql.ref(column)} else order_search_stats.${sql.ref(column)} end`
  const plus = (column: 'orders' | 'value_sum' | 'value_squares' | 'items_sum' | 'items_squares') =>
    sql<number>`order_search_stats.${sql.ref(column)} + excluded.${sql.ref(column)}`
  for (const run of insertRuns(changes)) {
    await db
      .insertInto('order_search_stats')
      .values(run)
      .onConflict((oc) =>
        oc.columns(['account', 'day', 'status', 'origin', 'currency_code']).doUpdateSet({
          orders: plus('orders'),
          value_sum: plus('value_sum'),
          value_squares: plus('value_squares'),
          items_sum: plus('items_sum'),
          items_squares: plus('items_squares'),
          value_min: lower('value_min'),
          value_max: higher('value_max'),
          items_min: lower('items_min'),
          items_max: higher('items_max'),
        }),
      )
      .execute()
  }
}

/**
 * Finds again the extremes of a bucket an order left, if it held one of them: a day's from that day's orders
 * (the orders' rows already saved), all days' from the days.
 */
export async function refindExtremes(db: Db, { key, value, items }: Departure): Promise<void> {
  const { account, day, status, origin, currency_code } = key
  const over = (
    fn: 'min' | 'max',
    column: 'total_value' | 'total_items',
    bucketColumn: 'value_min' | 'value_max' | 'items_min' | 'items_max',
  ) => {
    if (day === '') {
      return db
        .selectFrom('order_search_stats as d')
        .select((eb) => eb.fn[fn](`d.${bucketColumn}`).as('extreme'))
        .where('d.account', '=', account)
        .where('d.status', '=', status)
        .where('d.origin', '=', origin)
        .where('d.currency_code', '=', currency_code)
        .where('d.day', '<>', '')
    }
    const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString()
    return db
      .selectFrom('order_search as o')
      .select((eb) => eb.fn[fn](`o.${column}`).as('extreme'))
      .where('o.account', '=', account)
      .where('o.status', '=', status)
      .where('o.creation_date', '>=', `${day}T00:00:00.000Z`)
      .where('o.creation_date', '<', next)
      .where('o.origin', '=', origin)
      .where('o.currency_code', '=', currency_code)
  }
  await db
    .updateTable('order_search_stats')
    .set({
      value_min: over('min', 'total_value', 'value_min'),
      value_max: over('max', 'total_value', 'value_max'),
      items_min: over('min', 'total_items', 'items_min'),
      items_max: over('max', 'total_items', 'items_max'),
    })
    .where('account', '=', account)
    .where('day', '=', day)
    .where('status', '=', status)
    .where('origin', '=', origin)
    .where('currency_code', '=', currency_code)
    .where((eb) =>
      eb.or([
        eb('value_min', '=', value),
        eb('value_max', '=', value),
        eb('items_min', '=', items),
        eb('items_max', '=', items),
      ]),
    )
    .execute()
}

/**
 * The counted sums per origin and currency, from the buckets of `days` (day strings, `to` excluded; 'all' for
 * the buckets of all days) of the statuses asked for.
 */
export async function countedSums(
  db: Db,
  account: string,
  statuses: readonly string[] | undefined,
  days: { from?: string; to?: string } | 'all',
): Promise<GroupSums[]> {
  let q = db.selectFrom('order_search_stats').where('account', '=', account)
  if (days === 'all') q = q.where('day', '=', '')
  else {
    q = q.where('day', '<>', '')
    if (days.from) q = q.where('day', '>=', days.from)
    if (days.to) q = q.where('day', '<', days.to)
  }
  if (statuses?.length) q = q.where('status', 'in', statuses)
  const rows = await q
    .select((eb) => [
      'origin',
      'currency_code',
      eb.fn.sum<number | string>('orders').as('count'),
      eb.fn.min('value_min').as('value_min'),
      eb.fn.max('value_max').as('value_max'),
      eb.fn.sum<number | string>('value_sum').as('value_sum'),
      eb.fn.sum<number | string>('value_squares').as('value_squares'),
      eb.fn.min('items_min').as('items_min'),
      eb.fn.max('items_max').as('items_max'),
      eb.fn.sum<number | string>('items_sum').as('items_sum'),
      eb.fn.sum<number | string>('items_squares').as('items_squares'),
    ])
    .groupBy(['origin', 'currency_code'])
    .execute()
  return rows.map(groupSumsOf).filter((group) => group.value.count > 0)
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
export async function sumsByGroup(db: Db, account: string, query: ListQuery): Promise<GroupSums[]> {
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
  return rows.map(groupSumsOf)
}

/** The sums of one origin and currency. */
export interface GroupSums {
  origin: string
  currency: string
  value: Sums
  items: Sums
}

interface SumsRow {
  origin: string
  currency_code: string
  count: number | string
  value_min: unknown
  value_max: unknown
  value_sum: number | string | null
  value_squares: number | string | null
  items_min: unknown
  items_max: unknown
  items_sum: number | string | null
  items_squares: number | string | null
}

function groupSumsOf(row: SumsRow): GroupSums {
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
