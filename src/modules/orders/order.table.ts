// Row shapes of orders and their event log. Only the order repositories import this.
import type { Generated } from 'kysely'

export interface OrderTable {
  account: string
  order_id: string
  order_group: string
  sequence: number
  status: string
  version: number
  /** The typed order (order.ts) as JSON: what the rules read and write. */
  order_json: string
  /** The Get order document rendered from `order_json` at write time, served as stored bytes. */
  document: string
  /** The renderer version that wrote `document`; older documents are rendered again at start-up. */
  render_version: number
  creation_date: string
  last_change: string
  marketplace_order_id: string | null
  client_email: string | null
  client_document: string | null
  client_name: string | null
  sales_channel: string
  seller_names: string
  total_value: number
}

export interface OrderEventTable {
  id: Generated<number>
  /**
   * PostgreSQL: the writing transaction's id plus the stream's offset (`ordo_stream_tx()`). Together with `id`
   * it orders the stream by commit; see readEventStream. SQLite commits one writer at a time, so `id` alone is
   * commit order and this stays 0.
   */
  tx_id: Generated<number>
  account: string
  order_id: string
  order_version: number
  kind: string
  domain: string
  state: string
  last_state: string | null
  last_change: string | null
  current_change: string
  /** Kind-specific fields (EventData in order-event.ts). */
  data_json: string
  origin_account: string
  origin_key: string
  created_at: string
}

/**
 * The Get order document of each version a change replaced, kept until the fan-out has read that version's
 * events (the current version's is the order's own).
 */
export interface OrderVersionDocumentTable {
  account: string
  order_id: string
  version: number
  document: string
}
