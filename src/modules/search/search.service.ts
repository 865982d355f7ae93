// List orders: the search index the order core's write path keeps, and the query over it.
import type { Db } from '../../db/database.ts'
import { byCodePoints } from '../../platform/text-order.ts'
import type { Deps } from '../../deps.ts'
import { AppError, validationFailed } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import type { OrderReadModel } from '../../platform/read-models.ts'
import { getOrderDocument, loadOrder, systemActor } from '../orders/order.service.ts'
import type { OrderDocument } from '../orders/order.schemas.ts'
import type { Order } from '../orders/order.ts'
import { ORDER_STATUSES } from '../orders/order-status.ts'
import {
  bucketsAt,
  combine,
  countedDaysOf,
  countedOf,
  facetChanges,
  facetsOf,
  fieldStats,
  negated,
  pagingOf,
  parseHourlyQuery,
  parseListQuery,
  parseUserOrdersQuery,
  searchRowOf,
  searchTermsOf,
  SEARCH_VERSION,
  statsChanges,
  sumFacetCounts,
  sumsOfParts,
  trimmedBuckets,
  type Bucket,
  type Counted,
  type DateRange,
  type GroupSums,
  type FacetCounts,
  type ListQuery,
  type RawListQuery,
  type RawUserOrdersQuery,
} from './search.ts'
import { userOrderDetails } from './user-orders.ts'
import type {
  HourlyOrdersDocument,
  ListOrdersDocument,
  StatsDocument,
  UserOrdersDocument,
} from './search.schemas.ts'
import * as search from './search.repository.ts'

/** The row of each saved order, written in the write's transaction: a write is in the list once answered. */
export const searchIndex: OrderReadModel = {
  ordersSaved: (db: Db, orders: readonly unknown[], created: boolean) =>
    index(db, orders as readonly Order[], created),
}

/** `created`: the save inserted the orders, so they have no rows whose old values leave the counters. */
async function index(db: Db, orders: readonly Order[], created: boolean): Promise<void> {
  const rows = orders.map(searchRowOf)
  const before = created
    ? new Map<string, Counted>()
    : await search.countedRows(
        db,
        orders.map((order) => ({ account: order.account, orderId: order.orderId })),
      )
  await search.saveRows(db, rows)
  const saved = rows.map((after) => ({ before: before.get(`${after.account} ${after.order_id}`), after }))
  const { changes, departures } = statsChanges(saved)
  await search.addStats(db, changes)
  await search.addFacetCounts(db, facetChanges(saved))
  for (const departure of departures) await search.leaveBucket(db, departure)
  await search.saveTerms(
    db,
    orders.map((order) => ({ account: order.account, orderId: order.orderId, terms: searchTermsOf(order) })),
  )
}

/**
 * GET /api/oms/pvt/orders: the account's orders that match, one page, with the paging and statistics, as JSON
 * text. The page's list items are their stored texts, spliced in as they are: parsing them and serialising them
 * again cost more than the rest of an unfiltered list.
 */
export async function listOrders(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  principal: Principal,
  raw: RawListQuery,
): Promise<string> {
  const now = clock.now()
  const query = parseListQuery(raw, now, validationFailed)
  const buckets = query.withFacets ? bucketsAt(now) : []
  const [groups, page, facets] = await Promise.all([
    sumsOf(db, principal.account, query),
    search.pageOf(db, principal.account, query),
    query.withFacets ? facetCountsOf(db, principal.account, query, buckets) : undefined,
  ])
  const rest: Omit<ListOrdersDocument, 'list'> = {
    facets: facets ? facetsOf(facets, buckets) : [],
    paging: pagingOf(
      groups.reduce((sum, group) => sum + group.value.count, 0),
      query,
    ),
    stats: {
      stats: {
        totalValue: statsOf(groups.map((group) => ({ ...group, sums: group.value }))),
        totalItems: statsOf(groups.map((group) => ({ ...group, sums: group.items }))),
      },
    },
  }
  return `{"list":[${page.join(',')}],${JSON.stringify(rest).slice(1)}`
}

/**
 * The matching orders' sums per origin and currency: from the counters when the query filters only on status
 * and creation date (what List orders is mostly asked), so their cost does not grow with the orders; else
 * from the matching orders.
 */
async function sumsOf(db: Db, account: string, query: ListQuery): Promise<GroupSums[]> {
  const counted = countedOf(query)
  if (!counted) return search.sumsByGroup(db, account, query)
  const { days, partial, trimmed } = counted
  const pieces = (ranges: readonly DateRange[]) =>
    ranges.map((creationDate) => search.sumsByGroup(db, account, { ...query, creationDate }))
  const [known, ...trims] = await Promise.all([
    Promise.all([
      days === 'none' ? [] : search.countedSums(db, account, { statuses: query.statuses, days }),
      ...pieces(partial),
    ]),
    ...trimmed.map(async ({ day, outside }) => {
      const [buckets, orders] = await Promise.all([
        search.dayBuckets(db, account, query.statuses, day),
        search.countedOrders(db, account, { ...query, creationDate: outside }),
      ])
      return trimmedBuckets(buckets, orders)
    }),
  ])
  const sums = sumsOfParts([...known.flat(), ...trims.flat()])
  if (sums.decided) return sums.groups
  // A trimmed day's orders outside the range held an extreme that may be the answer's (rarely): its orders in
  // the range are read instead.
  const inside = await Promise.all(pieces(trimmed.map((trim) => trim.inside)))
  return sumsOfParts([...known.flat(), ...inside.flat()]).groups
}

/**
 * The matching orders' facet counts: from the counters where they answer the query, as for its sums (sumsOf), so
 * that their cost does not grow with the orders; else from the matching orders.
 */
async function facetCountsOf(
  db: Db,
  account: string,
  query: ListQuery,
  buckets: readonly Bucket[],
): Promise<FacetCounts> {
  const counted = countedOf(query)
  if (!counted) return search.facetCounts(db, account, query, buckets)
  const days = countedDaysOf(counted)
  const of = (creationDate: DateRange) => search.facetCounts(db, account, { ...query, creationDate }, buckets)
  return sumFacetCounts(
    await Promise.all([
      ...(days === 'none'
        ? []
        : [search.countedFacets(db, account, { statuses: query.statuses, days }, buckets)]),
      ...counted.partial.map(of),
      ...counted.trimmed.map(async ({ outside }) => negated(await of(outside))),
    ]),
  )
}

/**
 * GET /api/ordo/pvt/orders/stats/hourly: the account's orders created in each UTC hour that begins in [from, to),
 * by current status, read from the creation-hour counters the write path keeps (never from the orders).
 */
export async function hourlyOrders(
  { db }: Pick<Deps, 'db'>,
  principal: Principal,
  raw: { from: string; to: string },
): Promise<HourlyOrdersDocument> {
  const { from, to, hours } = parseHourlyQuery(raw, validationFailed)
  const counts = hours ? await search.hourlyCounts(db, principal.account, ORDER_STATUSES, hours) : []
  // Sorted here, not by the database: the same order on both, whatever PostgreSQL's collation.
  counts.sort((a, b) => byCodePoints(a.hour, b.hour) || byCodePoints(a.status, b.status))
  return { from, to, hours: counts }
}

/**
 * The keys the reference's schema requires in each statistic's `Facets`, present with zeros when no order has
 * them: a client generated from that schema fails without them (docs/compatibility.md, List orders).
 */
const ALWAYS_FACETED = { origin: ['Fulfillment', 'Marketplace'], currency: ['BRL'] }

/** Overall, then per origin and per currency, as VTEX's `Facets` of each statistic. */
function statsOf(
  groups: readonly { origin: string; currency: string; sums: Parameters<typeof fieldStats>[0] }[],
): StatsDocument {
  const by = (key: 'origin' | 'currency') => {
    const keys = [...new Set([...ALWAYS_FACETED[key], ...groups.map((group) => group[key])])].sort()
    return Object.fromEntries(
      keys.map((value) => [
        value,
        { ...fieldStats(combine(groups.filter((g) => g[key] === value).map((g) => g.sums))), Facets: null },
      ]),
    )
  }
  return {
    ...fieldStats(combine(groups.map((group) => group.sums))),
    Facets: { origin: by('origin'), currencyCode: by('currency') },
  }
}

/**
 * GET /api/oms/user/orders: one customer's orders. A shopper token lists its own customer's; a key or user of the
 * account (View order, or the Call center operator role) names the customer in `clientEmail`. VTEX counts no
 * statistics here: they are zeros, as in the reference's example.
 */
export async function listUserOrders(
  { db }: Pick<Deps, 'db'>,
  principal: Principal,
  raw: RawUserOrdersQuery,
): Promise<UserOrdersDocument> {
  const query = parseUserOrdersQuery(raw, customerOf(principal, raw.clientEmail), validationFailed)
  const [total, page] = await Promise.all([
    search.countMatching(db, principal.account, query),
    search.pageOf(db, principal.account, query),
  ])
  const none = { ...fieldStats(combine([])), Facets: {} }
  return {
    list: page.map((json) => JSON.parse(json) as UserOrdersDocument['list'][number]),
    facets: [],
    paging: pagingOf(total, query),
    stats: { stats: { totalValue: none, totalItems: none } },
  }
}

/** Whose orders a user-orders call may see: a shopper's own, or the `clientEmail` another credential names. */
function customerOf(principal: Principal, clientEmail: string | string[] | undefined): string {
  if (Array.isArray(clientEmail)) throw validationFailed('clientEmail may be given once.')
  const named = clientEmail?.trim().toLowerCase()
  if (principal.shopperEmail) {
    if (named && named !== principal.shopperEmail) {
      throw new AppError(
        'FORBIDDEN',
        'A shopper token lists its own orders only: leave clientEmail out, or give its own.',
      )
    }
    return principal.shopperEmail
  }
  if (!named) {
    throw validationFailed('clientEmail is required: name the customer whose orders to list.')
  }
  return named
}

/** GET /api/oms/user/orders/{orderId}: Get order, for a shopper only of their own orders (others are not found). */
export async function getUserOrderDocument(
  deps: Deps,
  principal: Principal,
  orderId: string,
): Promise<string> {
  const actor = { account: principal.account, appKey: principal.appKey, shopperEmail: principal.shopperEmail }
  const order = await loadOrder(deps.db, actor, orderId)
  const document = (await getOrderDocument(deps, actor, order.orderId)).toString('utf8')
  return JSON.stringify(userOrderDetails(JSON.parse(document) as OrderDocument))
}

/**
 * Writes the row of every order that has none or an older one (SEARCH_VERSION), as a server starts: orders
 * stored before the search index existed, or before its rows changed shape. Returns how many.
 */
export async function refreshSearchIndex({ db }: Pick<Deps, 'db'>): Promise<number> {
  let refreshed = 0
  for (;;) {
    const stale = await search.staleOrders(db, SEARCH_VERSION, 500)
    if (stale.length === 0) return refreshed
    await db.transaction().execute(async (trx) => {
      const orders: Order[] = []
      for (const { account, orderId } of stale)
        orders.push(await loadOrder(trx, systemActor(account), orderId))
      await index(trx, orders, false)
    })
    refreshed += stale.length
  }
}
