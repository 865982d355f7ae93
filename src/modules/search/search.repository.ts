// All SQL for the search index: the row each saved order leaves, and the List orders queries over them.
import {
  CompiledQuery,
  sql,
  type ExpressionBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  type UpdateObject,
} from 'kysely'
import { inListRuns, insertRuns, isSqlite, type Database, type Db } from '../../db/database.ts'
import {
  countedRangeOf,
  dayFacet,
  EXTREMES,
  hourFacet,
  VALUE_FACETS,
  type DateFacetColumn,
  type DayPart,
  type ValueFacet,
} from './search.ts'
import type {
  Bucket,
  Counted,
  DateRange,
  Departure,
  StatsKey,
  FacetCounterRow,
  FacetCounts,
  GroupSums,
  ListQuery,
  OrderField,
  Outside,
  SearchRow,
  SearchTerm,
  StatsRow,
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

/** The counted columns of the orders' rows as they are before a save (orders not yet indexed have none). */
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
        'sales_channel',
        'seller_name',
        'payment_names',
        'authorized_date',
        'shipping_estimated_date',
      ])
      .where('account', '=', account)
      .where('order_id', 'in', ids)
      .execute()
    for (const { order_id, ...row } of rows) found.set(`${account} ${order_id}`, row)
  }
  return found
}

const STATS_COLUMNS = [
  'account',
  'day',
  'status',
  'origin',
  'currency_code',
  'orders',
  'value_sum',
  'value_squares',
  'items_sum',
  'items_squares',
  ...EXTREMES.flatMap(({ column, holders }) => [column, holders]),
] as const satisfies readonly (keyof StatsRow)[]

/**
 * What a change adds to a bucket that exists: its sums, and its extremes with how many orders are at them
 * where they go beyond the bucket's or equal them (a change that only takes orders away has none).
 */
const ADD_TO_BUCKET = sql.raw(
  `on conflict (account, day, status, origin, currency_code) do update set ${[
    ...['orders', 'value_sum', 'value_squares', 'items_sum', 'items_squares'].map(
      (column) => `${column} = order_search_stats.${column} + excluded.${column}`,
    ),
    ...EXTREMES.flatMap(({ column, holders, fn }) => {
      const [held, added] = [`order_search_stats.${column}`, `excluded.${column}`]
      const beyond = `(${held} is null or ${added} ${fn === 'min' ? '<' : '>'} ${held})`
      const [heldN, addedN] = [`order_search_stats.${holders}`, `excluded.${holders}`]
      return [
        `${column} = case when ${added} is not null and ${beyond} then ${added} else ${held} end`,
        `${holders} = case when ${added} is null then ${heldN} when ${beyond} then ${addedN} when ${added} = ${held} then ${heldN} + ${addedN} else ${heldN} end`,
      ]
    }),
  ].join(', ')}`,
)

const FACET_COLUMNS = [
  'account',
  'status',
  'day',
  'facet',
  'value',
  'orders',
] as const satisfies readonly (keyof FacetCounterRow)[]

const ADD_TO_FACET = sql.raw(
  'on conflict (account, facet, status, day, value) do update set orders = order_search_facets.orders + excluded.orders',
)

/** The counters' upserts: each table's columns, and what a row does to the counter it finds. */
const UPSERTS = {
  order_search_stats: { columns: STATS_COLUMNS, conflict: ADD_TO_BUCKET },
  order_search_facets: { columns: FACET_COLUMNS, conflict: ADD_TO_FACET },
}

/** Upsert texts per table and dialect, by number of rows. */
const upsertTexts = new Map<string, Map<number, string>>()

/**
 * An upsert of `rows` rows into `table`, compiled once per shape: Kysely building it on every write cost several
 * times what running it does. A hundred shapes at most per table: a seed's runs come in many sizes, and a long
 * one is a long text.
 */
function upsertTextOf(db: Db, table: keyof typeof UPSERTS, rows: number): string {
  const { columns, conflict } = UPSERTS[table]
  const dialect = isSqlite(db) ? 'sqlite' : 'postgres'
  const texts = upsertTexts.get(`${table} ${dialect}`) ?? new Map<number, string>()
  upsertTexts.set(`${table} ${dialect}`, texts)
  let text = texts.get(rows)
  if (text === undefined) {
    const row = sql`(${sql.join(columns.map(() => null))})`
    text = sql`insert into ${sql.table(table)} (${sql.raw(columns.join(', '))})
      values ${sql.join(Array.from({ length: rows }, () => row))} ${conflict}`.compile(db).sql
    if (texts.size >= 100) texts.clear()
    texts.set(rows, text)
  }
  return text
}

/** Adds each change to its bucket; departures' extremes are left to `leaveBucket`. */
export async function addStats(db: Db, changes: readonly StatsRow[]): Promise<void> {
  for (const run of insertRuns(changes)) {
    const values = run.flatMap((change) => STATS_COLUMNS.map((column) => change[column]))
    await db.executeQuery(CompiledQuery.raw(upsertTextOf(db, 'order_search_stats', run.length), values))
  }
}

/** Adds each change to its facet counter; one that reaches 0 stays, and is not read. */
export async function addFacetCounts(db: Db, changes: readonly FacetCounterRow[]): Promise<void> {
  for (const run of insertRuns(changes)) {
    const values = run.flatMap((change) => FACET_COLUMNS.map((column) => change[column]))
    await db.executeQuery(CompiledQuery.raw(upsertTextOf(db, 'order_search_facets', run.length), values))
  }
}

const inBucket = ({ account, day, status, origin, currency_code }: StatsKey) =>
  sql`account = ${account} and day = ${day} and status = ${status} and origin = ${origin} and currency_code = ${currency_code}`

/**
 * An order left a bucket (its sums are already taken away): it no longer counts among the orders at the
 * bucket's extremes it was at, and an extreme it was the last at is found again.
 */
export async function leaveBucket(db: Db, { key, value, items }: Departure): Promise<void> {
  const left = await sql<Record<(typeof EXTREMES)[number]['holders'], number>>`
    update order_search_stats set
      value_min_n = value_min_n - case when value_min = ${value} then 1 else 0 end,
      value_max_n = value_max_n - case when value_max = ${value} then 1 else 0 end,
      items_min_n = items_min_n - case when items_min = ${items} then 1 else 0 end,
      items_max_n = items_max_n - case when items_max = ${items} then 1 else 0 end
    where ${inBucket(key)}
      and (value_min = ${value} or value_max = ${value} or items_min = ${items} or items_max = ${items})
    returning value_min_n, value_max_n, items_min_n, items_max_n`.execute(db)
  const [holding] = left.rows
  if (holding && EXTREMES.some(({ holders }) => Number(holding[holders]) === 0)) await refindExtremes(db, key)
}

/**
 * A bucket's extremes and how many orders are at them, found again: a day's from that day's orders (their
 * rows already saved, through the status index), all days' from the days.
 */
async function refindExtremes(db: Db, key: StatsKey): Promise<void> {
  const { account, day, status, origin, currency_code } = key
  const orders = () =>
    db
      .selectFrom('order_search as o')
      .where('o.account', '=', account)
      .where('o.status', '=', status)
      .where('o.creation_date', '>=', `${day}T00:00:00.000Z`)
      .where('o.creation_date', '<', new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString())
      .where('o.origin', '=', origin)
      .where('o.currency_code', '=', currency_code)
  const days = () =>
    db
      .selectFrom('order_search_stats as d')
      .where('d.account', '=', account)
      .where('d.status', '=', status)
      .where('d.origin', '=', origin)
      .where('d.currency_code', '=', currency_code)
      .where('d.day', '<>', '')
  await db
    .updateTable('order_search_stats')
    .where(inBucket(key).$castTo<SqlBool>())
    .set(
      Object.fromEntries(
        EXTREMES.flatMap(({ column, holders, of, fn }) => {
          const extreme =
            day === ''
              ? days().select((eb) => eb.fn[fn](`d.${column}`).as('extreme'))
              : orders().select((eb) => eb.fn[fn](`o.${of}`).as('extreme'))
          const holding =
            day === ''
              ? days()
                  .select((eb) => eb.fn.coalesce(eb.fn.sum(`d.${holders}`), sql.lit(0)).as('n'))
                  .where(`d.${column}`, '=', extreme)
              : orders()
                  .select((eb) => eb.fn.countAll().as('n'))
                  .where(`o.${of}`, '=', extreme)
          return [
            [column, extreme],
            [holders, holding],
          ]
        }),
      ) as UpdateObject<Database, 'order_search_stats'>,
    )
    .execute()
}

/** The counted sums per origin and currency of the orders of `scope`, from the statistics' buckets. */
export async function countedSums(db: Db, account: string, scope: CountedScope): Promise<GroupSums[]> {
  const rows = await db
    .selectFrom('order_search_stats')
    .where(inScope(account, scope, false))
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

/** The counters of one creation day, each status, origin and currency with orders: a trimmed day's buckets. */
export async function dayBuckets(
  db: Db,
  account: string,
  statuses: readonly string[] | undefined,
  day: string,
): Promise<StatsRow[]> {
  let query = db
    .selectFrom('order_search_stats')
    .selectAll()
    .where('account', '=', account)
    .where('day', '=', day)
    .where('orders', '>', 0)
  if (statuses) query = query.where('status', 'in', statuses)
  return query.execute()
}

/** What the counters count of each matching order (trimmedBuckets takes them away from their day's buckets). */
export function countedOrders(db: Db, account: string, query: ListQuery): Promise<Outside[]> {
  return filtered(db, account, query)
    .select(['status', 'origin', 'currency_code', 'total_value', 'total_items'])
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
  if (statuses?.length === 1 && creationDate && isSqlite(db)) {
    // SQLite, which keeps no statistics here, reads one status's orders of a creation-date range through the
    // creation-date index, past every other status's orders between the page's (1.2 ms for the invoiced orders of
    // 90 days at a million orders, against 0.13): unlikely() tells it that the status narrows, and it reads the
    // status index in the page's order. Not for several statuses: their ranges of that index would need a sort.
    q = q.where(sql<SqlBool>`unlikely(status = ${statuses[0]})`)
  } else if (statuses?.length) q = q.where('status', 'in', statuses)
  if (text) q = q.where((eb) => matchesText(eb, text, 'part of the name'))
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
  if (exact) q = q.where((eb) => matchesText(eb, exact, 'the whole name'))
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

/** The order id, the customer's email (any case) or document, or their name: part of it, or all of it. */
function matchesText(
  eb: ExpressionBuilder<Database, 'order_search'>,
  text: string,
  name: 'part of the name' | 'the whole name',
) {
  const lower = text.toLowerCase()
  return eb.or([
    eb('order_id', '=', text),
    eb('client_email', '=', lower),
    eb('client_document', '=', text),
    name === 'the whole name'
      ? eb('client_name', '=', lower)
      : eb('client_name', 'like', sql<string>`${`%${literal(lower)}%`} escape '\\'`),
  ])
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
  const by = async (column: 'sales_channel' | 'seller_name' | 'payment_names' | 'status') => {
    // Grouped by the column itself, SQLite reads the status facet through the status index, every order the account
    // has (13 ms for three hours of a hundred thousand orders), not through the filter's range: an expression is
    // no index's column.
    const value = sql<string>`${sql.ref(column)} || ''`
    return (
      await filtered(db, account, query)
        .select((eb) => [value.as('value'), eb.fn.countAll<number | string>().as('count')])
        .groupBy(value)
        .execute()
    ).map((row) => ({ value: row.value, count: Number(row.count) }))
  }
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

/** The orders the counters answer for: of some statuses (all where undefined), and of some creation days. */
export interface CountedScope {
  statuses: readonly string[] | undefined
  /** UTC days, `to` excluded; 'all' for the counters of all days. */
  days: { from?: string; to?: string } | 'all'
}

/**
 * A facet counter's value where the counters of the scope's days are to be read through the key's range of those
 * days, not the value index (account, facet, status, value, day) through every day the account has: an
 * expression is no index's column, on either database.
 */
const UNINDEXED_VALUE = sql<string>`value || ''`

/**
 * The facet counts of the orders of `scope`, from the counters: the status facet from the statistics' buckets,
 * each date bucket from its days' and hours' counters and at most an hour of orders at each end
 * (countedRangeOf in search.ts).
 */
export async function countedFacets(
  db: Db,
  account: string,
  scope: CountedScope,
  buckets: readonly Bucket[],
): Promise<FacetCounts> {
  const [values, statuses, counted] = await Promise.all([
    // Grouped by the column, SQLite would read the value index in its order, through every day the account has.
    db
      .selectFrom('order_search_facets')
      .where(inScope(account, scope, true))
      .select((eb) => [
        'facet',
        UNINDEXED_VALUE.as('value'),
        eb.fn.sum<number | string>('orders').as('count'),
      ])
      .where('facet', 'in', VALUE_FACETS)
      .groupBy(['facet', UNINDEXED_VALUE])
      .execute(),
    db
      .selectFrom('order_search_stats')
      .where(inScope(account, scope, false))
      .select((eb) => ['status', eb.fn.sum<number | string>('orders').as('count')])
      .groupBy('status')
      .execute(),
    countedBuckets(db, account, scope, buckets),
  ])
  const of = (facet: ValueFacet) =>
    values
      .filter((row) => row.facet === facet)
      .map((row) => ({ value: row.value, count: Number(row.count) }))
      .filter((row) => row.count > 0)
  return {
    salesChannels: of('sales_channel'),
    sellers: of('seller_name'),
    paymentNames: of('payment_names'),
    statuses: statuses
      .map((row) => ({ value: row.status, count: Number(row.count) }))
      .filter((row) => row.count > 0),
    buckets: counted,
  }
}

/**
 * The condition that narrows counters to `scope`. A table with rows for every status (status '') reads those for
 * a scope of any status.
 */
function inScope(account: string, { statuses, days }: CountedScope, everyStatusRows: boolean) {
  const conditions = [sql`account = ${account}`]
  if (statuses) conditions.push(sql`status in (${sql.join([...statuses])})`)
  else if (everyStatusRows) conditions.push(sql`status = ''`)
  if (days === 'all') conditions.push(sql`day = ''`)
  else {
    conditions.push(sql`day <> ''`)
    if (days.from) conditions.push(sql`day >= ${days.from}`)
    if (days.to) conditions.push(sql`day < ${days.to}`)
  }
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`
}

/**
 * Each bucket's count from the counters of `scope`, in one statement of scalar subqueries. Written as SQL text:
 * Kysely's builder took longer to build its forty-odd subqueries than SQLite took to run them.
 */
async function countedBuckets(
  db: Db,
  account: string,
  scope: CountedScope,
  buckets: readonly Bucket[],
): Promise<number[]> {
  if (buckets.length === 0) return []
  const counters = inScope(account, scope, true)
  // A value range open below (overdue estimates) holds most values of every day the account has.
  const inValues = (from: string | undefined, to: string | undefined) => [
    ...(from === undefined ? [] : [sql`value >= ${from}`]),
    ...(to === undefined ? [] : [sql`${from === undefined ? UNINDEXED_VALUE : sql.ref('value')} < ${to}`]),
  ]
  const counter = (facet: string, from?: string, to?: string) =>
    sql`(select coalesce(sum(orders), 0) from order_search_facets where ${sql.join(
      [counters, sql`facet = ${facet}`, ...inValues(from, to)],
      sql` and `,
    )})`
  // The orders of the scope from the start of an instant's hour up to it. On creation dates the scope's days and
  // the hour are one range, so that the index reads the hour, not every order of the scope.
  const { statuses, days } = scope
  const creationFrom = days !== 'all' && days.from ? `${days.from}T00:00:00.000Z` : undefined
  const creationTo = days !== 'all' && days.to ? `${days.to}T00:00:00.000Z` : undefined
  // Unindexed on the other dates: SQLite would read the scope's days through the creation-date index (every
  // order of 90 days, 4 ms each at a hundred thousand orders) rather than the date's own hour through its index.
  const createdAt = sql`creation_date || ''`
  const inScopeDays = [
    ...(creationFrom ? [sql`${createdAt} >= ${creationFrom}`] : []),
    ...(creationTo ? [sql`${createdAt} < ${creationTo}`] : []),
  ]
  const ofItsHour = (column: DateFacetColumn, part: DayPart) => {
    const onCreation = column === 'creation_date'
    const conditions = [
      sql`account = ${account}`,
      ...(statuses ? [sql`status in (${sql.join([...statuses])})`] : []),
      ...(onCreation ? [] : inScopeDays),
      sql`${sql.ref(column)} >= ${onCreation ? latest(part.hourStart, creationFrom) : part.hourStart}`,
      sql`${sql.ref(column)} < ${onCreation ? earliest(part.at, creationTo) : part.at}`,
    ]
    return sql`(select count(*) from order_search where ${sql.join(conditions, sql` and `)})`
  }
  // Each part of a day once: the rolling buckets of a date share their ends.
  const parts = new Map<string, { column: DateFacetColumn; part: DayPart }>()
  const plans = buckets.map((bucket) => {
    const plan = countedRangeOf(bucket.range)
    for (const part of [plan?.upToEnd, plan?.upToStart]) {
      if (part) parts.set(`${bucket.column} ${part.at}`, { column: bucket.column, part })
    }
    return plan
  })
  const columns = [
    ...plans.flatMap((plan, index) => {
      const column = buckets[index]?.column
      return plan && column
        ? [sql`${counter(dayFacet(column), plan.days.from, plan.days.to)} as ${sql.ref(`days${index}`)}`]
        : []
    }),
    ...[...parts.values()].flatMap(({ column, part }, index) => [
      sql`${counter(hourFacet(column), `${part.day}T00`, part.hour)} as ${sql.ref(`hours${index}`)}`,
      sql`${ofItsHour(column, part)} as ${sql.ref(`orders${index}`)}`,
    ]),
  ]
  const [row = {}] = (
    await sql<Record<string, number | string | null>>`select ${sql.join(columns)}`.execute(db)
  ).rows
  const partKeys = [...parts.keys()]
  const partOf = (column: DateFacetColumn, part: DayPart | undefined) => {
    if (!part) return 0
    const index = partKeys.indexOf(`${column} ${part.at}`)
    return Number(row[`hours${index}`] ?? 0) + Number(row[`orders${index}`] ?? 0)
  }
  return plans.map((plan, index) => {
    const column = buckets[index]?.column
    if (!plan || !column) return 0
    return Number(row[`days${index}`] ?? 0) + partOf(column, plan.upToEnd) - partOf(column, plan.upToStart)
  })
}

const latest = (time: string, bound: string | undefined) =>
  bound !== undefined && bound > time ? bound : time
const earliest = (time: string, bound: string | undefined) =>
  bound !== undefined && bound < time ? bound : time

/**
 * The account's orders created in each UTC hour from `first` to `last` (labels, both included), per current
 * status, from the creation-hour counters of all days (day ''): a range of the primary key for each status, so
 * the cost grows with the hours asked for, not with the orders. Counters that fell to 0 are left out.
 */
export async function hourlyCounts(
  db: Db,
  account: string,
  statuses: readonly string[],
  hours: { first: string; last: string },
): Promise<{ hour: string; status: string; orders: number }[]> {
  const rows = await hourlyCountsQuery(db, account, statuses, hours).execute()
  return rows.map((row) => ({ hour: row.value, status: row.status, orders: Number(row.orders) }))
}

/** The statement of hourlyCounts, apart so that a test can read its plan on each database. */
export const hourlyCountsQuery = (
  db: Db,
  account: string,
  statuses: readonly string[],
  { first, last }: { first: string; last: string },
) =>
  db
    .selectFrom('order_search_facets')
    .select(['value', 'status', 'orders'])
    .where('account', '=', account)
    .where('facet', '=', hourFacet('creation_date'))
    // Each status by name, never `status <> ''`: the key's range then starts at every status's own hours.
    .where('status', 'in', [...statuses])
    .where('day', '=', '')
    .where('value', '>=', first)
    .where('value', '<=', last)
    .where('orders', '>', 0)

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
      // As a row value, which both databases seek to in the (creation date, order id) index; written as an OR
      // of the two columns, SQLite read each page from the account's first order.
      eb(eb.refTuple('creation_date', 'order_id'), '>', eb.tuple(after.creationDate, after.orderId)),
    )
  }
  return q
    .select(['order_id', 'creation_date', 'list_item_json'])
    .orderBy('creation_date')
    .orderBy('order_id')
    .limit(limit)
    .execute()
}
