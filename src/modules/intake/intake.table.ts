// Row shapes of what intake keeps beside the orders: each account's sequence counter and each order group.
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
