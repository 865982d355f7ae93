// Exports: every order that matches List orders' filters, past its 30-page cap, as JSON lines (the Get order
// documents) or CSV (the list's columns), read from the search index a page at a time.
import { stringify } from 'csv-stringify/sync'
import type { Deps } from '../../deps.ts'
import { validationFailed } from '../../platform/errors.ts'
import { getOrderDocuments } from '../orders/order.service.ts'
import { parseListQuery, type ListItem, type RawListQuery } from './search.ts'
import * as search from './search.repository.ts'

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** Orders read at once: memory holds one page, whatever the number of orders. */
const EXPORT_PAGE = 500

/** The CSV's columns: the list item's fields, in the order the Admin's export has them. */
const CSV_COLUMNS = [
  'orderId',
  'sequence',
  'creationDate',
  'status',
  'statusDescription',
  'clientName',
  'totalValue',
  'totalItems',
  'currencyCode',
  'paymentNames',
  'salesChannel',
  'affiliateId',
  'origin',
  'marketPlaceOrderId',
  'authorizedDate',
  'ShippingEstimatedDate',
] as const satisfies readonly (keyof ListItem)[]

interface OrderExport {
  /** How many orders match now, for a progress bar: a count over them, so only asked for when wanted. */
  count: () => Promise<number>
  /** The export's text, each piece whole lines; `written` is told how many orders each piece carried. */
  pieces: (written?: (orders: number) => void) => AsyncGenerator<string>
}

/**
 * An export of the account's orders that match `raw` (List orders' parameters), oldest first. Paging and order
 * are the export's own: `page`, `per_page`, `orderBy` and `facets` are refused. Each page is read as it is then;
 * an order placed during the export may or may not be in it.
 */
export async function exportOrders(
  deps: Pick<Deps, 'db' | 'clock'>,
  account: string,
  raw: RawListQuery,
  format: ExportFormat,
  pageSize = EXPORT_PAGE,
): Promise<OrderExport> {
  for (const name of ['page', 'per_page', 'orderBy', 'facets']) {
    if (raw[name] !== undefined) {
      throw validationFailed(
        `${name} does not apply to an export, which has every matching order, oldest first.`,
      )
    }
  }
  const query = parseListQuery(raw, deps.clock.now(), validationFailed)
  async function* pieces(written: (orders: number) => void = () => {}): AsyncGenerator<string> {
    if (format === 'csv') yield stringify([CSV_COLUMNS])
    let after: search.ExportPosition | undefined
    for (;;) {
      const rows = await search.exportPage(deps.db, account, query, after, pageSize)
      const last = rows.at(-1)
      if (!last) return
      if (format === 'csv') {
        yield stringify(
          rows.map((row) => {
            const item = JSON.parse(row.list_item_json) as ListItem
            return CSV_COLUMNS.map((column) => item[column] ?? '')
          }),
          // A customer's name typed as =HYPERLINK(…) must not run when the merchant opens the file.
          { escape_formulas: true },
        )
      } else {
        const documents = await getOrderDocuments(
          deps,
          account,
          rows.map((row) => row.order_id),
        )
        yield rows.flatMap((row) => documents.get(row.order_id) ?? []).join('\n') + '\n'
      }
      written(rows.length)
      after = { creationDate: last.creation_date, orderId: last.order_id }
    }
  }
  return { count: () => search.countMatching(deps.db, account, query), pieces }
}
