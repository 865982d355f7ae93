// What an order's event log records. Every committed change of an order is one new version and at least one
// event; feeds and hooks are derived from this log. Pure types and the values that name them.
import type {
  CancellationRequestEventData,
  ChangeEventData,
  InteractionEventData,
  InvoiceEventData,
  ModificationEventData,
  PaymentEventData,
  SellerChangeEventData,
  TrackingEventData,
} from './order.schemas.ts'
import type { OrderStatus, WorkflowInstance } from './order-status.ts'

/** A new kind is one entry here and one in EventData. */
export const ORDER_EVENT_KINDS = [
  'transition',
  'payment',
  'cancellation-request',
  'interaction',
  'invoice',
  'tracking',
  'change',
  'seller-change',
  'modification',
] as const
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number]

export const CANCELLATION_REQUEST_ACTIONS = ['requested', 'denied'] as const
export const INVOICE_ACTIONS = ['issued', 'receipt'] as const
export const TRACKING_ACTIONS = ['tracking-number', 'status'] as const
export const MODIFICATION_ACTIONS = ['requested', 'acknowledged', 'done', 'canceled', 'retried'] as const

/** Each kind's own fields; their wire shapes are in order.schemas.ts, so timelines and feeds show them as stored. */
export interface EventData {
  /** A status change: everything is in the common fields. */
  transition: Record<string, never>
  payment: PaymentEventData
  'cancellation-request': CancellationRequestEventData
  interaction: InteractionEventData
  invoice: InvoiceEventData
  tracking: TrackingEventData
  /** A modification registered through the v1 changes call. */
  change: ChangeEventData
  /** A marketplace order given to another seller. */
  'seller-change': SellerChangeEventData
  /** A step of an order modification (v2). */
  modification: ModificationEventData
}

/** The fields VTEX's feed and hook events carry, on every event: for other kinds `state` is `lastState`. */
interface EventFields {
  domain: WorkflowInstance
  state: OrderStatus
  lastState: OrderStatus | null
  /** For transitions, when the previous status began; for other kinds, the order's previous change. */
  lastChange: string | null
  currentChange: string
}

/** An event as a rule records it; the write path adds the version, who acted and the stream position. */
export type OrderEventDraft = {
  [K in OrderEventKind]: EventFields & { kind: K; data: EventData[K] }
}[OrderEventKind]

export interface Origin {
  /** The account whose credential caused the change. */
  account: string
  /** An AppKey, `customer:<email>` for shopper tokens, or `system` for the platform itself (timeouts). */
  key: string
}

export type OrderEvent = OrderEventDraft & {
  /** Position in the account-wide stream; see StreamPosition. */
  id: number
  account: string
  orderId: string
  orderVersion: number
  origin: Origin
}
