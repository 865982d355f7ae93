// Row shapes of orders and everything recorded about them. Only the order repositories import this.
import type { Generated } from 'kysely'

export interface OrderSequenceTable {
  account: string
  last_value: number
}

/** One row per intake: the order group, and what makes a retry recognisable. */
export interface OrderGroupTable {
  account: string
  order_group: string
  idempotency_key: string | null
  marketplace_order_id: string | null
  request_hash: string
  created_at: string
}

export interface OrderTable {
  account: string
  order_id: string
  order_group: string
  sequence: number
  status: string
  version: number
  /** The Get order document, rendered at write time and served as stored bytes. */
  document: string
  /** Ordo's own bookkeeping that is not part of the VTEX document (payment ledger, pending requests). */
  state_json: string
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
  account: string
  order_id: string
  domain: string
  state: string
  last_state: string | null
  last_change: string | null
  current_change: string
  order_version: number
  origin_key: string | null
  created_at: string
}

export interface OrderInteractionTable {
  id: string
  account: string
  order_id: string
  source: string
  message: string
  actor: string | null
  created_at: string
}

export interface OrderMessageTable {
  id: string
  account: string
  order_id: string
  subject: string
  body: string
  to_email: string
  to_name: string
  created_at: string
}
