// What a change of an order tells the other side of a marketplace sale: a marketplace order's seller, or a
// seller's order's marketplace. Each message is a job written with the change (so none is lost), delivered by
// the marketplace module, which reads the order as it is then and speaks the External Seller Fulfillment
// protocol. Pure.
import type { Order } from './order.ts'
import type { Changed } from './order-workflow.ts'

export const ORDER_MESSAGE_JOB = 'order-message'

export const ORDER_MESSAGES = [
  /** Marketplace → seller: the order placement, answered with the seller's acceptance. */
  'place',
  /** Marketplace → seller: fulfilment is authorized (the payment is approved). */
  'authorize',
  /** Marketplace → seller: the order is canceled, or its cancellation is asked for. */
  'cancel',
  /** Marketplace → a seller the order left (a change of seller): its order of it is canceled. */
  'release',
  /** Seller → marketplace: the seller canceled its order (on its own, or accepting the marketplace's request). */
  'canceled',
  /** Seller → marketplace: the seller refused the marketplace's cancellation request. */
  'denied',
  /** Seller → marketplace: an invoice of the seller's order, or a return (its number rides along). */
  'invoice',
  /** Seller → marketplace: the tracking of one of those invoices changed (its number rides along). */
  'tracking',
] as const
export type OrderMessageKind = (typeof ORDER_MESSAGES)[number]

export interface OrderMessage {
  kind: OrderMessageKind
  invoiceNumber?: string
  /** The cancellation request a `cancel` asks about, or a `denied` refuses: a message sent again acts on no other. */
  requestId?: string
  /** The change of seller a `release` follows: its index in the order's sellerChanges. */
  change?: number
  /**
   * Which of a marketplace order's sellers a message to its seller is for: the number of changes of seller
   * before it. Delivered after another change, it is for a seller the order left, and goes nowhere.
   */
  seller?: number
}

export interface OrderMessageJob {
  account: string
  orderId: string
  message: OrderMessage
}

/** The messages a saved change sends, in the order its events happened. */
export function messagesOf(decision: Changed): OrderMessage[] {
  const { order } = decision
  const { flow } = order.workflow
  if (flow === 'complete') return []
  return decision.events.flatMap((event): OrderMessage[] => {
    // Every invoice the seller issues, Output or return (Input), and every change of its tracking.
    if (event.kind === 'invoice') {
      const sends = flow === 'seller' && event.data.action === 'issued'
      return sends ? [{ kind: 'invoice', invoiceNumber: event.data.invoiceNumber }] : []
    }
    if (event.kind === 'tracking') {
      return flow === 'seller' ? [{ kind: 'tracking', invoiceNumber: event.data.invoiceNumber }] : []
    }
    if (event.kind === 'seller-change') {
      const index = order.sellerChanges.length - 1
      return order.sellerChanges[index]?.release ? [{ kind: 'release', change: index }] : []
    }
    if (event.kind !== 'transition') return []
    return flow === 'marketplace'
      ? marketplaceMessage(event.state, order, sellerDecided(decision)).map((message) => ({
          ...message,
          seller: order.sellerChanges.length,
        }))
      : sellerMessage(event.state, event.lastState, deniedRequest(decision))
  })
}

/**
 * Whether the change took a marketplace order out of waiting on its seller's own answer: its decision on a
 * cancellation (only that answer ends the wait), or the window after it canceled. Either way the seller knows
 * what follows: its order goes on, or it is canceled already.
 */
const sellerDecided = (decision: Changed): boolean =>
  decision.events.some(
    (event) =>
      event.kind === 'transition' &&
      (event.lastState === 'waiting-for-seller-decision' || event.lastState === 'window-to-change-seller'),
  )

/** The request a seller's change denied, as its event records it. */
const deniedRequest = (decision: Changed): string | undefined =>
  decision.events.flatMap((event) =>
    event.kind === 'cancellation-request' && event.data.action === 'denied' ? [event.data.requestId] : [],
  )[0]

const withRequest = (kind: OrderMessageKind, requestId: string | null | undefined): OrderMessage =>
  requestId ? { kind, requestId } : { kind }

function marketplaceMessage(entered: string, order: Order, sellerDecided: boolean): OrderMessage[] {
  switch (entered) {
    case 'waiting-for-authorization':
      return [{ kind: 'place' }]
    // Authorized once: going on after the seller denied a cancellation is not a new authorization.
    case 'waiting-seller-handling':
      return sellerDecided ? [] : [{ kind: 'authorize' }]
    case 'waiting-for-seller-decision':
      return [withRequest('cancel', order.pendingCancellation?.requestId)]
    // The seller is told unless it canceled first (on its own, or by accepting the request).
    case 'canceled':
      return order.cancellation?.requestedBySellerNotification || sellerDecided
        ? []
        : [withRequest('cancel', order.cancellation?.requestId)]
    default:
      return []
  }
}

function sellerMessage(entered: string, left: string | null, denied: string | undefined): OrderMessage[] {
  if (entered === 'canceled') return [{ kind: 'canceled' }]
  if (left === 'cancellation-requested' && entered !== 'cancel') return [withRequest('denied', denied)]
  return []
}
