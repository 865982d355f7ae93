// Row shapes of hooks: each AppKey's hook, one delivery per event it takes, and every attempt at it. Only the
// hook repository imports this.
import type { Generated } from 'kysely'

export interface HookConfigTable {
  account: string
  app_key: string
  /** The filter as stored (FeedFilter in feed.ts): hooks filter as feeds do. */
  filter_json: string
  url: string
  /** Header name → value, sent with every delivery. */
  headers_json: string
  /** A Standard Webhooks secret (`whsec_…`): deliveries are signed when there is one. */
  secret: string | null
  /** Events committed before this are not delivered: a new hook starts from now. */
  created_at: string
}

/** As the delivery log shows them: a queued delivery is shown as pending. */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/**
 * As stored. Of a hook's open deliveries of one order, only the oldest is `pending` or `delivering` (the head);
 * the rest are `queued` behind it, and the head's end moves the next one up. So "what can be sent now" is an
 * index range, however many deliveries wait behind a receiver that is down.
 */
export type StoredDeliveryStatus = DeliveryStatus | 'queued'

export interface HookDeliveryTable {
  id: Generated<number>
  account: string
  app_key: string
  event_id: number
  order_id: string
  /** The notification as it is posted, PascalCase as VTEX sends it. */
  body_json: string
  status: StoredDeliveryStatus
  attempts: number
  /**
   * A pending delivery is not tried before then (the backoff); a delivering one belongs to its worker until
   * then, after which another may take it (the worker died). Equal to `lease_until` while delivering, so that
   * one index finds both.
   */
  next_attempt_at: string
  lease_until: string | null
  created_at: string
  finished_at: string | null
}

export interface HookAttemptTable {
  id: Generated<number>
  delivery_id: number
  attempted_at: string
  /** The receiver's HTTP status; null when no answer came (refused, timed out). */
  status: number | null
  latency_ms: number
  error: string | null
}
