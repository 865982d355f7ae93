// Delivers what a marketplace order and its seller's order tell each other (the core's order messages): each is a
// job written with the change that sent it, delivered here once that change is committed, and retried until the
// other side takes it. A seller that is an account on this server is reached through the same protocol calls an
// external seller answers (the placement, fulfilment and cancellation of VTEX's External Seller Fulfillment), and
// its messages reach the marketplace's order as a seller's calls would.
import type { Deps } from '../../deps.ts'
import {
  cancelBySeller,
  cancelForMarketplace,
  cancellationRequestOf,
  denyBySeller,
} from '../cancellation/cancellation.service.ts'
import { acceptedBySeller, acceptPlacement, placementOf, sellerOrderIdOf } from '../intake/intake.service.ts'
import { authorizeSellerFulfillment } from '../fulfillment/fulfillment.service.ts'
import { invoiceFromSeller } from '../invoices/invoice.service.ts'
import { ORDER_MESSAGES, type OrderMessage, type OrderMessageJob } from '../orders/order-messages.ts'
import type { Order } from '../orders/order.ts'
import { loadOrder, systemActor } from '../orders/order.service.ts'

/** The order-message job: the message goes to the other side of the order's sale. */
export async function deliverOrderMessage(deps: Deps, payload: unknown): Promise<void> {
  const { account, orderId, message } = messageJobOf(payload)
  const order = await loadOrder(deps.db, systemActor(account), orderId)
  if (order.workflow.flow === 'marketplace') await toSeller(deps, order, message)
  else if (order.workflow.flow === 'seller') await toMarketplace(deps, order, message)
}

async function toSeller(deps: Deps, order: Order, message: OrderMessage): Promise<void> {
  // Where the seller was when the order was placed: a registration changed or removed later does not move it.
  const seller = order.sellerAccount
  if (seller === null)
    throw new Error(`Order ${order.orderId} has no seller account to send ${message.kind} to.`)
  const sellerOrderId = sellerOrderIdOf(order.orderId)
  switch (message.kind) {
    case 'place':
      // Canceled before the seller had it: the cancellation that follows finds nothing to cancel.
      if (order.status !== 'waiting-for-authorization') return
      await acceptPlacement(deps, systemActor(seller), placementOf(order), order.account)
      await acceptedBySeller(deps, order.account, order.orderId)
      // Canceled while the seller was taking it: a cancellation delivered meanwhile found no order to cancel.
      if ((await loadOrder(deps.db, systemActor(order.account), order.orderId)).cancellation) {
        await deliverCancellation(deps, order.account, order.orderId, seller, sellerOrderId)
      }
      return
    case 'authorize':
      await authorizeSellerFulfillment(deps, seller, sellerOrderId)
      return
    case 'cancel':
      // Sent again after its request was denied, it no longer stands: the seller is not asked twice.
      if (!order.cancellation && order.pendingCancellation?.requestId !== message.requestId) return
      await deliverCancellation(deps, order.account, order.orderId, seller, sellerOrderId)
      return
    default:
      throw new Error(`Order ${order.orderId}: a marketplace order does not send ${message.kind}.`)
  }
}

/** The marketplace order's cancellation, or its request, to the seller; what the seller answers at once. */
async function deliverCancellation(
  deps: Deps,
  account: string,
  orderId: string,
  seller: string,
  sellerOrderId: string,
): Promise<void> {
  const order = await loadOrder(deps.db, systemActor(account), orderId)
  const outcome = await cancelForMarketplace(deps, seller, sellerOrderId, cancellationRequestOf(order))
  // A request waits for the seller's store, whose decision comes as the seller's own message.
  if (outcome === 'canceled') await cancelBySeller(deps, account, orderId)
  if (outcome === 'denied' && order.pendingCancellation) {
    const { requestId } = order.pendingCancellation
    await denyBySeller(deps, account, orderId, requestId, 'The seller could not cancel the order.')
  }
}

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
