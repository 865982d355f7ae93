// List orders: the search index the order core's write path keeps, and the query over it.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { validationFailed } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import type { OrderReadModel } from '../../platform/read-models.ts'
import { loadOrder, systemActor } from '../orders/order.service.ts'
import type { Order } from '../orders/order.ts'
import {
  bucketsAt,
  combine,
  facetsOf,
  fieldStats,
  parseListQuery,
  searchRowOf,
  SEARCH_VERSION,
  type RawListQuery,
} from './search.ts'
import type { ListOrdersDocument, StatsDocument } from './search.schemas.ts'
import * as search from './search.repository.ts'

/** The row of each saved order, written in the write's transaction: a write is in the list once answered. */
export const searchIndex: OrderReadModel = {
  orderSaved: (db: Db, order: unknown) => search.saveRow(db, searchRowOf(order as Order)),
}

/** GET /api/oms/pvt/orders: the account's orders that match, one page, with the paging and statistics. */
export async function listOrders(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  principal: Principal,
  raw: RawListQuery,
): Promise<ListOrdersDocument> {
  const now = clock.now()
  const query = parseListQuery(raw, now, validationFailed)
  const buckets = bucketsAt(now)
  const [groups, page, facets] = await Promise.all([
    search.sumsByGroup(db, principal.account, query),
    search.pageOf(db, principal.account, query),
    query.withFacets ? search.facetCounts(db, principal.account, query, buckets) : undefined,
  ])
  const total = groups.reduce((sum, group) => sum + group.value.count, 0)
  return {
    list: page.map((json) => JSON.parse(json) as ListOrdersDocument['list'][number]),
    facets: facets ? facetsOf(facets, buckets) : [],
    paging: {
      total,
      pages: Math.ceil(total / query.perPage),
      currentPage: query.page,
      perPage: query.perPage,
    },
    stats: {
      stats: {
        totalValue: statsOf(groups.map((group) => ({ ...group, sums: group.value }))),
        totalItems: statsOf(groups.map((group) => ({ ...group, sums: group.items }))),
      },
    },
  }
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
 * Writes the row of every order that has none or an older one (SEARCH_VERSION), as a server starts: orders
 * stored before the search index existed, or before its rows changed shape. Returns how many.
 */
export async function refreshSearchIndex({ db }: Pick<Deps, 'db'>): Promise<number> {
  let refreshed = 0
  for (;;) {
    const stale = await search.staleOrders(db, SEARCH_VERSION, 500)
    if (stale.length === 0) return refreshed
    await db.transaction().execute(async (trx) => {
      for (const { account, orderId } of stale) {
        await search.saveRow(trx, searchRowOf(await loadOrder(trx, systemActor(account), orderId)))
      }
    })
    refreshed += stale.length
  }
}
