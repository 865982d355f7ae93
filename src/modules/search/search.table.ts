// Row shape of the search index, one row per order (the columns are described in search.ts, which renders
// them). Only the search repository and db/ import this.
import type { FacetCounterRow, SearchRow, SearchTerm, StatsRow } from './search.ts'

export type OrderSearchTable = SearchRow

/** One term an order is found by through `searchField`. */
export interface OrderSearchTermTable extends SearchTerm {
  account: string
  order_id: string
}

/** The counters of one creation day ('' for all days), status, origin and currency. */
export type OrderSearchStatsTable = StatsRow

/** How many of an account's orders have one value of a facet, or one day or hour of a date. */
export type OrderSearchFacetsTable = FacetCounterRow
