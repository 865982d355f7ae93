// Delivers what a marketplace order and its seller's order tell each other (the core's order messages): each is a
// job written with the change that sent it, delivered here once that change is committed, and retried until the
// other side takes it. Both kinds of seller are reached through the calls of VTEX's External Seller Fulfillment
// protocol (placement, fulfilment, cancellation): an external seller over HTTP, an account on this server through
// the same use cases its protocol routes run. A seller account's messages reach the marketplace's order as a
// seller's calls would; an external seller makes those calls itself, on the marketplace's Orders API.
import type { Deps } from '../../deps.ts'
import {
  cancelBySeller,
  cancelForMarketplace,
  cancellationRequestOf,
  denyBySeller,
} from '../cancellation/cancellation.service.ts'
import { acceptedBySeller, acceptPlacement, placementOf, sellerOrderIdOf } from '../intake/intake.service.ts'
import { authorizeSellerFulfillment } from '../fulfillment/fulfillment.service.ts'
import { invoiceFromSeller, trackingFromSeller } from '../invoices/invoice.service.ts'
import { ORDER_MESSAGES, type OrderMessage, type OrderMessageJob } from '../orders/order-messages.ts'
import type { Order } from '../orders/order.ts'
import { loadOrder, systemActor } from '../orders/order.service.ts'
import { sellerTargetOf } from '../sellers/seller.service.ts'
import {
  sendCancellation,
  sendFulfilment,
  sendPlacement,
  type ExternalSeller,
  type OrderRequest,
} from './seller-protocol.client.ts'

/** The order-message job: the message goes to the other side of the order's sale. */
export async function deliverOrderMessage(deps: Deps, payload: unknown): Promise<void> {
  const { account, orderId, message } = messageJobOf(payload)
  const order = await loadOrder(deps.db, systemActor(account), orderId)
  if (order.workflow.flow === 'marketplace') await toSeller(deps, order, message)
  else if (order.workflow.flow === 'seller') await toMarketplace(deps, order, message)
}

type Cancellation =
  { outcome: 'canceled' | 'requested' | 'absent' } | { outcome: 'denied'; reason: string | null }

/** How a marketplace order reaches its seller: the protocol's three calls. */
interface SellerLink {
  place(order: Order): Promise<{ sellerOrderId: string } | { refused: string }>
  authorize(order: Order, sellerOrderId: string): Promise<{ refused: string } | undefined>
  cancel(order: Order, sellerOrderId: string): Promise<Cancellation>
}

async function toSeller(deps: Deps, order: Order, message: OrderMessage): Promise<void> {
  const link = await linkOf(deps, order)
  switch (message.kind) {
    case 'place': {
      // Canceled before the seller had it: the cancellation that follows finds nothing to cancel.
      if (order.status !== 'waiting-for-authorization') return
      const placed = await link.place(order)
      if ('refused' in placed) {
        await cancelBySeller(
          deps,
          order.account,
          order.orderId,
          `The seller refused the order: ${placed.refused}`,
        )
        return
      }
      await acceptedBySeller(deps, order.account, order.orderId, placed.sellerOrderId)
      // Canceled while the seller was taking it: the order no longer takes the seller's answer, nor its order id,
      // so the cancellation goes to the order the seller just named.
      const now = await loadOrder(deps.db, systemActor(order.account), order.orderId)
      if (now.cancellation) await deliverCancellation(deps, link, now, placed.sellerOrderId)
      return
    }
    case 'authorize': {
      const sellerOrderId = sellerOrderOf(order)
      // Authorized only once the seller took the order, so its answer named its order.
      if (sellerOrderId === null)
        throw new Error(`Order ${order.orderId} has no seller's order to authorize.`)
      const answer = await link.authorize(order, sellerOrderId)
      // A seller that will not fulfil what it took cancels it, as far as the marketplace is concerned.
      if (answer) {
        const reason = `The seller refused to fulfil the order: ${answer.refused}`
        await cancelBySeller(deps, order.account, order.orderId, reason)
      }
      return
    }
    case 'cancel':
      // Sent again after its request was denied, it no longer stands: the seller is not asked twice.
      if (!order.cancellation && order.pendingCancellation?.requestId !== message.requestId) return
      await deliverCancellation(deps, link, order)
      return
    default:
      throw new Error(`Order ${order.orderId}: a marketplace order does not send ${message.kind}.`)
  }
}

/** The seller's order: as the seller's answer named it, or as an account on this server numbered it then. */
const sellerOrderOf = (order: Order): string | null =>
  order.sellerOrderId ?? (order.sellerAccount === null ? null : sellerOrderIdOf(order.orderId))

/** The marketplace order's cancellation, or its request, to the seller; what the seller answers at once. */
async function deliverCancellation(
  deps: Deps,
  link: SellerLink,
  order: Order,
  sellerOrderId = sellerOrderOf(order),
): Promise<void> {
  // An external seller that never took the order has nothing to cancel.
  if (sellerOrderId === null) return
  const answer = await link.cancel(order, sellerOrderId)
  // A request waits for the seller's store, whose decision comes as the seller's own message or call.
  if (answer.outcome === 'canceled') await cancelBySeller(deps, order.account, order.orderId)
  if (answer.outcome === 'denied' && order.pendingCancellation) {
    const { requestId } = order.pendingCancellation
    await denyBySeller(deps, order.account, order.orderId, requestId, answer.reason)
  }
}

/**
 * Where the order's seller was when the order was placed: a seller account recorded then, which a registration
 * changed or removed later does not move; an external seller at its registered endpoint, with its headers as
 * they are now (credentials rotate).
 */
async function linkOf(deps: Deps, order: Order): Promise<SellerLink> {
  if (order.sellerAccount !== null) return accountSeller(deps, order.sellerAccount)
  const target = await sellerTargetOf(deps, order.account, order.seller.id)
  if (target.kind !== 'external') {
    throw new Error(
      `Order ${order.orderId} went to external seller ${order.seller.id}, which is registered as account ${target.account} now: its messages cannot follow.`,
    )
  }
  return externalSeller(deps, target)
}

/** A seller that is an account on this server: the use cases its protocol routes run. */
const accountSeller = (deps: Deps, seller: string): SellerLink => ({
  async place(order) {
    const { orderId } = await acceptPlacement(deps, systemActor(seller), placementOf(order), order.account)
    return { sellerOrderId: orderId }
  },
  async authorize(_order, sellerOrderId) {
    await authorizeSellerFulfillment(deps, seller, sellerOrderId)
    return undefined
  },
  async cancel(order, sellerOrderId) {
    const outcome = await cancelForMarketplace(deps, seller, sellerOrderId, cancellationRequestOf(order))
    return outcome === 'denied' ? { outcome, reason: 'The seller could not cancel the order.' } : { outcome }
  },
})

/** A seller elsewhere, over HTTP; it calls back on the Orders API this server answers for the marketplace. */
const externalSeller = (deps: Deps, seller: ExternalSeller): SellerLink => ({
  place: (order) => {
    // The protocol types these as strings: a placement without them leaves them out.
    const { openTextField, marketplaceServicesEndpoint: _none, ...placement } = placementOf(order)
    return sendPlacement(seller, {
      ...placement,
      ...(openTextField !== null && { openTextField }),
      ...(deps.publicUrl !== null && {
        marketplaceServicesEndpoint: `${deps.publicUrl}/api/oms?an=${encodeURIComponent(order.account)}`,
      }),
    })
  },
  authorize: (order, sellerOrderId) => sendFulfilment(seller, sellerOrderId, requestOf(order)),
  cancel: (order, sellerOrderId) => {
    const { requestId, reason, requestedByUser, date } = cancellationRequestOf(order)
    return sendCancellation(seller, sellerOrderId, {
      ...requestOf(order),
      cancellationRequestId: requestId,
      cancellationRequestDate: date,
      reason: reason ?? '',
      requestedByUser,
    })
  },
})

const requestOf = (order: Order): OrderRequest => ({
  marketplaceOrderId: order.orderId,
  marketplaceOrderGroup: order.orderGroup,
})

async function toMarketplace(deps: Deps, order: Order, message: OrderMessage): Promise<void> {
  const marketplace = order.marketplaceAccount
  const marketplaceOrderId = order.marketplaceOrderId
  // Sold by a marketplace elsewhere: it learns through its own calls to this account.
  if (marketplace === null || marketplaceOrderId === null) return
  switch (message.kind) {
    case 'canceled':
      await cancelBySeller(deps, marketplace, marketplaceOrderId)
      return
    case 'denied': {
      const denied = order.cancellationRequests.find((request) => request.id === message.requestId)
      if (!denied) return
      await denyBySeller(deps, marketplace, marketplaceOrderId, denied.id, denied.deniedBySellerReason)
      return
    }
    case 'invoice':
      await invoiceFromSeller(deps, marketplace, marketplaceOrderId, order, message.invoiceNumber ?? '')
      return
    case 'tracking':
      await trackingFromSeller(deps, marketplace, marketplaceOrderId, order, message.invoiceNumber ?? '')
      return
    default:
      throw new Error(`Order ${order.orderId}: a seller's order does not send ${message.kind}.`)
  }
}

function messageJobOf(payload: unknown): OrderMessageJob {
  const job = payload as Partial<OrderMessageJob> | null
  const kind = job?.message?.kind
  if (
    typeof job?.account !== 'string' ||
    typeof job.orderId !== 'string' ||
    !(ORDER_MESSAGES as readonly unknown[]).includes(kind)
  ) {
    throw new Error(`Malformed order-message payload: ${JSON.stringify(payload)}`)
  }
  return job as OrderMessageJob
}
