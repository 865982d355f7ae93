// Use cases of cancellation: the store cancels, the customer asks, the store denies. Each is one order change.
import type { Deps } from '../../deps.ts'
import type { ProtocolReceipt, Receipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import { AppError } from '../../platform/errors.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { decidedAt, type Decision, type Rule } from '../orders/order-workflow.ts'
import { changeOrder, systemActor, type Actor } from '../orders/order.service.ts'
import { assertPlacedBy } from '../orders/order.ts'
import { ruleOfCaller } from '../sellers/seller.service.ts'
import {
  cancel,
  canceledBySeller,
  cancellationRequestOf,
  deniedBySeller,
  denyCancellation,
  marketplaceAsks,
  refusedByInvoice,
  requestCancellation,
  sellerDenied,
} from './cancellation.ts'

const change = async (deps: Deps, actor: Actor, orderId: string, rule: Rule) => {
  const settings = await getSettings(deps, actor.account)
  return changeOrder(deps, { actor, orderId, settings }, rule)
}

/** A change a marketplace's or a seller's message makes, by the system of the account it reaches. */
const changeBy = (deps: Deps, account: string, orderId: string, rule: Rule) =>
  change(deps, systemActor(account), orderId, rule)

export interface CancelRequest {
  reason?: string | null | undefined
  requestedByUser?: boolean | undefined
}

/**
 * The rule POST …/cancel runs, for a writer of many orders at once (`ordo seed`); `requestId` names the request
 * to the seller the cancel becomes on a marketplace order its seller is fulfilling.
 */
export const cancelRule = (input: CancelRequest, requestId = lowerHexId()): Rule =>
  cancel({ reason: input.reason ?? null, requestedByUser: input.requestedByUser ?? false, requestId })

/**
 * A marketplace order its seller is fulfilling is not canceled at once: the seller is asked (see `cancel`). An
 * external seller's own call (its callback key) is the seller's cancellation: it accepts a pending request.
 */
export async function cancelOrder(
  deps: Deps,
  principal: Principal,
  orderId: string,
  input: CancelRequest,
): Promise<Receipt> {
  const requestId = lowerHexId()
  const rule = await ruleOfCaller(
    deps,
    principal,
    cancelRule(input, requestId),
    canceledBySeller(input.reason ?? undefined),
  )
  const decision = await change(deps, principal, orderId, rule)
  return receiptOf(decision, requestId)
}

/** A recorded request's receipt is its id, which the one who decides needs to deny it. */
const receiptOf = (decision: Decision, requestId: string): Receipt => {
  const { order } = decision
  const recorded = order.pendingCancellation?.requestId === requestId
  return { date: decidedAt(decision), orderId: order.orderId, receipt: recorded ? requestId : lowerHexId() }
}

/** The customer's own cancellation (shopper token): immediate within the grace period, a request after it. */
export async function requestOrderCancellation(
  deps: Deps,
  principal: Principal,
  orderId: string,
  reason: string | null | undefined,
): Promise<Receipt> {
  const requestId = lowerHexId()
  const decision = await change(deps, principal, orderId, requestCancellation(requestId, reason ?? null))
  return receiptOf(decision, requestId)
}

/** The store refuses a cancellation request; an external seller's own call refuses the marketplace's request. */
export async function denyOrderCancellation(
  deps: Deps,
  principal: Principal,
  orderId: string,
  input: { cancellationRequestId: string; denyReason?: string | null | undefined },
): Promise<void> {
  const { cancellationRequestId: requestId } = input
  const reason = input.denyReason ?? null
  const rule = await ruleOfCaller(
    deps,
    principal,
    denyCancellation(requestId, reason),
    sellerDenied(requestId, reason),
  )
  await change(deps, principal, orderId, rule)
}

/**
 * What the marketplace's order asks its seller (its pending request, or its cancellation); and the refusal an
 * external seller's invoice makes, for the invoices module.
 */
export { cancellationRequestOf, refusedByInvoice }

export interface MarketplaceCancellation {
  requestId: string
  reason: string | null
  requestedByUser: boolean
}

/**
 * The protocol's POST /pvt/orders/{orderId}/cancel, in the seller's account: canceled at once up to the end of
 * the grace period, then a request for the seller's store; an order invoiced in whole or part is not canceled,
 * and one the seller never got is `absent`.
 * What the seller's store decides later reaches the marketplace as the seller's own message.
 */
export async function cancelForMarketplace(
  deps: Deps,
  account: string,
  sellerOrderId: string,
  request: MarketplaceCancellation,
): Promise<'canceled' | 'requested' | 'denied' | 'absent'> {
  try {
    const { order } = await changeBy(deps, account, sellerOrderId, marketplaceCancellationRule(request))
    return order.cancellation ? 'canceled' : 'requested'
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    if (error.code === 'CANNOT_CANCEL' || error.code === 'INVALID_TRANSITION') return 'denied'
    // Canceled before its placement reached the seller: there is nothing to cancel.
    if (error.code === 'ORDER_NOT_FOUND') return 'absent'
    throw error
  }
}

/** The rule cancelForMarketplace runs, for a writer of many orders at once (`ordo seed`). */
export const marketplaceCancellationRule = (request: MarketplaceCancellation): Rule =>
  marketplaceAsks(request.requestId, request.reason, request.requestedByUser)

/**
 * The seller canceled its order, or refused it (`reason`): the marketplace's order is canceled too, or waits for
 * another seller. `seller`: which of the order's sellers (see canceledBySeller).
 */
export async function cancelBySeller(
  deps: Deps,
  account: string,
  orderId: string,
  reason?: string,
  seller?: number,
): Promise<void> {
  await changeBy(deps, account, orderId, canceledBySeller(reason, seller))
}

/** The seller refused the marketplace's cancellation request. */
export async function denyBySeller(
  deps: Deps,
  account: string,
  orderId: string,
  requestId: string,
  reason: string | null,
): Promise<void> {
  await changeBy(deps, account, orderId, deniedBySeller(requestId, reason))
}

/**
 * POST /pvt/orders/{orderId}/cancel of the External Seller Fulfillment protocol: the marketplace that placed the
 * order cancels it, or asks to. Canceled: answered with the order (the protocol's confirmation); a request for
 * the seller's store: answered with no body ("evaluating"); invoiced in whole or part: 400.
 */
export async function cancelByProtocol(
  deps: Deps,
  principal: Principal,
  sellerOrderId: string,
  call: { marketplaceOrderId?: string | undefined } & Partial<MarketplaceCancellation>,
): Promise<ProtocolReceipt | null> {
  const request = {
    requestId: call.requestId ?? lowerHexId(),
    reason: call.reason ?? null,
    requestedByUser: call.requestedByUser ?? false,
  }
  const decision = await change(deps, principal, sellerOrderId, (draft, ctx) => {
    assertPlacedBy(draft.order, call.marketplaceOrderId)
    return marketplaceCancellationRule(request)(draft, ctx)
  })
  const { order } = decision
  if (!order.cancellation) return null
  return {
    date: decidedAt(decision),
    marketplaceOrderId: order.marketplaceOrderId ?? '',
    orderId: order.orderId,
    receipt: lowerHexId(),
  }
}
