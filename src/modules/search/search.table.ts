// Row shape of the search index, one row per order (the columns are described in search.ts, which renders
// them). Only the search repository and db/ import this.
import type { SearchRow } from './search.ts'

export type OrderSearchTable = SearchRow
