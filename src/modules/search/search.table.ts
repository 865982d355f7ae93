// Row shape of the search index, one row per order (the columns are described in search.ts, which renders
// them). Only the search repository and db/ import this.
import type { SearchRow, SearchTerm } from './search.ts'

export type OrderSearchTable = SearchRow

/** One term an order is found by through `searchField`. */
export interface OrderSearchTermTable extends SearchTerm {
  account: string
  order_id: string
}
