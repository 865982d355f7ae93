// Delivers what a marketplace order and its seller's order tell each other (the core's order messages): each is a
// job written with the change that sent it, delivered here once that change is committed, and retried until the
// other side takes it. Both kinds of seller are reached through the calls of VTEX's External Seller Fulfillment
// protocol (placement, fulfilment, cancellation): an external seller over HTTP, an account on this server through
// the same use cases its protocol routes run. A seller account's messages reach the marketplace's order as a
// seller's calls would; an external seller makes those calls itself, on the marketplace's Orders API.
import type { Deps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import type { Receipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { affiliateEndpointOf } from '../affiliates/affiliate.service.ts'
import {
  cancelBySeller,
  cancelForMarketplace,
  cancellationRequestOf,
  denyBySeller,
} from '../cancellation/cancellation.service.ts'
import { authorizeSellerFulfillment } from '../fulfillment/fulfillment.service.ts'
import { acceptedBySeller, acceptPlacement, placementOf, sellerOrderIdOf } from '../intake/intake.service.ts'
import { invoiceNewsOf, newsFromSeller } from '../invoices/invoice.service.ts'
import { ORDER_MESSAGES, type OrderMessage, type OrderMessageJob } from '../orders/order-messages.ts'
import type { Order } from '../orders/order.ts'
import { changeOrder, loadOrder, systemActor } from '../orders/order.service.ts'
import { decidedAt } from '../orders/order-workflow.ts'
import { registeredSellers, sellerTargetOf } from '../sellers/seller.service.ts'
import { changeSeller } from './change-seller.ts'
import type { ChangeSellerBody } from './change-seller.schemas.ts'
import {
  pushToMarketplace,
  sendCancellation,
  sendFulfilment,
  sendPlacement,
  type ExternalSeller,
  type OrderRequest,
} from './protocol.client.ts'

/**
 * PUT /api/checkout/pvt/orders/{orderId}/sellers: the order goes to another of the account's registered sellers
 * (its messages then cancel the order of the seller it left and place it with the new one).
 */
export async function changeOrderSeller(
  deps: Deps,
  principal: Principal,
  orderId: string,
  body: ChangeSellerBody,
): Promise<Receipt> {
  const id = body.newSellerId
  const registered = await registeredSellers(deps.db, principal.account, [id])
  // Seller 1 has no registration: the rule refuses it.
  const { name, account } = registered.get(id) ?? { name: id, account: null }
  const settings = await getSettings(deps, principal.account)
  const rule = changeSeller({ id, name, account }, body.shippingData?.logisticsInfo ?? [])
  const decision = await changeOrder(deps, { actor: principal, orderId, settings }, rule)
  return { date: decidedAt(decision), orderId: decision.order.orderId, receipt: lowerHexId() }
}

/** The order-message job: the message goes to the other side of the order's sale. */
export async function deliverOrderMessage(deps: Deps, payload: unknown): Promise<void> {
  const { account, orderId, message } = messageJobOf(payload)
  const order = await loadOrder(deps.db, systemActor(account), orderId)
  if (order.workflow.flow === 'marketplace') await toSeller(deps, order, message)
  else if (order.workflow.flow === 'seller') await toMarketplace(deps, order, message)
}

type Cancellation =
  { outcome: 'canceled' | 'requested' | 'absent' } | { outcome: 'denied'; reason: string | null }

/** What the marketplace asks a seller to cancel, and why. */
type CancellationAsked = ReturnType<typeof cancellationRequestOf>

/** How a marketplace order reaches its seller: the protocol's three calls. */
interface SellerLink {
  place(order: Order): Promise<{ sellerOrderId: string } | { refused: string }>
  authorize(order: Order, sellerOrderId: string): Promise<{ refused: string } | undefined>
  cancel(order: Order, sellerOrderId: string, asked: CancellationAsked): Promise<Cancellation>
}

async function toSeller(deps: Deps, order: Order, message: OrderMessage): Promise<void> {
  if (message.kind === 'release') return release(deps, order, message.change ?? -1)
  // For a seller the order has left since: what it had is the release's to cancel.
  const seller = order.sellerChanges.length
  if (message.seller !== undefined && message.seller !== seller) return
  const link = await linkOf(deps, order.account, order.seller.id, order.sellerAccount)
  switch (message.kind) {
    case 'place': {
      // Canceled before the seller had it: the cancellation that follows finds nothing to cancel.
      if (order.status !== 'waiting-for-authorization') return
      const placed = await link.place(order)
      if ('refused' in placed) {
        const reason = `The seller refused the order: ${placed.refused}`
        await cancelBySeller(deps, order.account, order.orderId, reason, seller)
        return
      }
      await acceptedBySeller(deps, order.account, order.orderId, placed.sellerOrderId, seller)
      // Canceled, or given to another seller, while the seller was taking it: the order no longer takes its
      // answer, nor its order id, so the cancellation goes to the order the seller just named.
      const now = await loadOrder(deps.db, systemActor(order.account), order.orderId)
      if (now.sellerChanges.length !== seller) {
        await link.cancel(now, placed.sellerOrderId, releaseOf(now, seller))
      } else if (now.cancellation) await deliverCancellation(deps, link, now, placed.sellerOrderId)
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
        await cancelBySeller(deps, order.account, order.orderId, reason, seller)
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
  const answer = await link.cancel(order, sellerOrderId, cancellationRequestOf(order))
  // A request waits for the seller's store, whose decision comes as the seller's own message or call.
  if (answer.outcome === 'canceled') await cancelBySeller(deps, order.account, order.orderId)
  if (answer.outcome === 'denied' && order.pendingCancellation) {
    const { requestId } = order.pendingCancellation
    await denyBySeller(deps, order.account, order.orderId, requestId, answer.reason)
  }
}

/**
 * A seller the order left for another (change seller): its order of it, if it had taken it, is canceled. What it
 * answers changes nothing here: the order is the new seller's.
 */
async function release(deps: Deps, order: Order, index: number): Promise<void> {
  const change = order.sellerChanges[index]
  if (!change) throw new Error(`Order ${order.orderId} has no seller change ${index} to tell.`)
  const { from } = change
  const sellerOrderId = from.orderId ?? (from.account === null ? null : sellerOrderIdOf(order.orderId))
  if (sellerOrderId === null) return
  // An external seller no longer registered cannot be reached: there is nobody to tell.
  const link = await linkOf(deps, order.account, from.id, from.account).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined
    throw error
  })
  await link?.cancel(order, sellerOrderId, releaseOf(order, index))
}

/** What a seller the order left (change `index`) is asked to cancel, and why. */
const releaseOf = (order: Order, index: number): CancellationAsked => ({
  requestId: `${order.orderId}-seller-change-${index + 1}`,
  reason: 'The marketplace gave the order to another seller.',
  requestedByUser: false,
  date: order.sellerChanges[index]?.date ?? order.lastChange,
})

/**
 * Where a seller of the order was when the order went to it: a seller account recorded then, which a
 * registration changed or removed later does not move; an external seller at its registered endpoint, with its
 * headers as they are now (credentials rotate).
 */
async function linkOf(
  deps: Deps,
  account: string,
  sellerId: string,
  sellerAccount: string | null,
): Promise<SellerLink> {
  if (sellerAccount !== null) return accountSeller(deps, sellerAccount)
  const target = await sellerTargetOf(deps, account, sellerId)
  if (target.kind !== 'external') {
    throw new Error(
      `External seller ${sellerId} of account ${account} is registered as account ${target.account} now: the messages of its orders cannot follow.`,
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
  async cancel(_order, sellerOrderId, asked) {
    const outcome = await cancelForMarketplace(deps, seller, sellerOrderId, asked)
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
  cancel: (order, sellerOrderId, { requestId, reason, requestedByUser, date }) =>
    sendCancellation(seller, sellerOrderId, {
      ...requestOf(order),
      cancellationRequestId: requestId,
      cancellationRequestDate: date,
      reason: reason ?? '',
      requestedByUser,
    }),
})

const requestOf = (order: Order): OrderRequest => ({
  marketplaceOrderId: order.orderId,
  marketplaceOrderGroup: order.orderGroup,
})

async function toMarketplace(deps: Deps, order: Order, message: OrderMessage): Promise<void> {
  const marketplace = order.marketplaceAccount
  const marketplaceOrderId = order.marketplaceOrderId
  if (marketplaceOrderId === null) return
  if (marketplace === null) return toRemoteMarketplace(deps, order, marketplaceOrderId, message)
  // Given to another seller since: what this one does with its order is no longer the marketplace's business.
  const sold = await loadOrder(deps.db, systemActor(marketplace), marketplaceOrderId)
  if (sold.sellerAccount !== order.account) return
  switch (message.kind) {
    case 'canceled':
      await cancelBySeller(deps, marketplace, marketplaceOrderId, order.cancellation?.reason ?? undefined)
      return
    case 'denied': {
      const denied = order.cancellationRequests.find((request) => request.id === message.requestId)
      if (!denied) return
      await denyBySeller(deps, marketplace, marketplaceOrderId, denied.id, denied.deniedBySellerReason)
      return
    }
    case 'invoice':
    case 'tracking': {
      const target = { account: marketplace, orderId: marketplaceOrderId }
      await newsFromSeller(deps, message.kind, target, order, message.invoiceNumber ?? '')
      return
    }
    default:
      throw new Error(`Order ${order.orderId}: a seller's order does not send ${message.kind}.`)
  }
}

/**
 * A seller's order of a marketplace elsewhere: its news go to that marketplace's Orders API when the account
 * registered it as an affiliate, and otherwise the marketplace learns through its own calls. A denial is not
 * pushed: the protocol's way to refuse a cancellation is the invoice that follows.
 */
async function toRemoteMarketplace(
  deps: Deps,
  order: Order,
  marketplaceOrderId: string,
  message: OrderMessage,
): Promise<void> {
  if (order.affiliateId === null || message.kind === 'denied') return
  const remote = await affiliateEndpointOf(
    deps,
    order.account,
    order.affiliateId,
    order.marketplaceServicesEndpoint,
  )
  if (!remote) return
  const path = `/pvt/orders/${encodeURIComponent(marketplaceOrderId)}`
  switch (message.kind) {
    case 'canceled': {
      const reason = order.cancellation?.reason ?? 'The seller canceled the order.'
      await pushToMarketplace(remote, 'POST', `${path}/cancel`, { reason })
      return
    }
    case 'invoice':
      await pushToMarketplace(
        remote,
        'POST',
        `${path}/invoice`,
        invoiceNewsOf(order, message.invoiceNumber ?? '').invoice,
      )
      return
    case 'tracking': {
      const invoiceNumber = message.invoiceNumber ?? ''
      const { number, status } = invoiceNewsOf(order, invoiceNumber).tracking
      const invoicePath = `${path}/invoice/${encodeURIComponent(invoiceNumber)}`
      if (number) await pushToMarketplace(remote, 'PATCH', invoicePath, number)
      if (status) await pushToMarketplace(remote, 'PUT', `${invoicePath}/tracking`, status)
      return
    }
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
