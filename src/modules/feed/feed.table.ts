// Row shapes of feeds: each AppKey's configuration, the items waiting in its queue, and where the fan-out
// stands in the event stream. Only the feed repository imports this.
import type { Generated } from 'kysely'

export interface FeedConfigTable {
  account: string
  app_key: string
  /** The filter as stored (FeedFilter in feed.ts). */
  filter_json: string
  visibility_timeout_s: number
  retention_s: number
  /** Events committed before this do not reach the feed: a new feed starts empty. */
  created_at: string
}

export interface FeedItemTable {
  id: Generated<number>
  account: string
  app_key: string
  /** The order event the item stands for: one item per event and feed, whatever the retries. */
  event_id: number
  order_id: string
  domain: string
  state: string
  last_state: string | null
  last_change: string | null
  current_change: string
  enqueued_at: string
  /** Hidden until then after a retrieval (the visibility timeout). */
  visible_at: string
  /** The handle of its latest retrieval; a commit names it. */
  handle: string | null
}

/** How far a reader of the event stream got; the fan-out's row moves in the transaction that writes its items. */
export interface StreamCursorTable {
  name: string
  tx: number
  event_id: number
}

/** A JSONata filter's answer for an order at its last version read, so a single-fire filter fires on a change. */
export interface FilterStateTable {
  account: string
  app_key: string
  channel: string
  order_id: string
  /** 1 when the expression held. */
  matched: number
  /** Why the expression could not be evaluated on the last version, if it could not. */
  last_error: string | null
}
