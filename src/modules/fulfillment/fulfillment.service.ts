// Use cases of fulfilment: the ERP starts handling an order (invoices and tracking come next); a seller's order is
// authorized by its marketplace.
import type { Deps } from '../../deps.ts'
import type { ProtocolReceipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { decidedAt, type Rule } from '../orders/order-workflow.ts'
import { assertPlacedBy } from '../orders/order.ts'
import { changeOrder, systemActor } from '../orders/order.service.ts'
import { approveOnArrival } from '../payments/payment.service.ts'
import { authorizedByMarketplace, startHandling } from './handling.ts'

/** The rule start handling runs, for a writer of many orders at once (`ordo seed`). */
export { startHandling }

export async function startOrderHandling(deps: Deps, principal: Principal, orderId: string): Promise<void> {
  const settings = await getSettings(deps, principal.account)
  await changeOrder(deps, { actor: principal, orderId, settings }, startHandling)
}

/**
 * The External Seller Fulfillment protocol's POST /pvt/orders/{sellerOrderId}/fulfill, in the seller's account:
 * the marketplace authorizes fulfilment, and its payment (the order's one payment) counts as approved.
 */
export async function authorizeSellerFulfillment(
  deps: Deps,
  account: string,
  sellerOrderId: string,
): Promise<void> {
  const settings = await getSettings(deps, account)
  await changeOrder(
    deps,
    { actor: systemActor(account), orderId: sellerOrderId, settings },
    marketplaceAuthorizes,
  )
}

/** The rule authorizeSellerFulfillment runs, for a writer of many orders at once (`ordo seed`). */
export const marketplaceAuthorizes: Rule = authorizedByMarketplace((draft, ctx) =>
  approveOnArrival(draft.order.payment.payments.map((p) => p.id))(draft, ctx),
)

export interface MarketplaceCall {
  marketplaceOrderId?: string | undefined
}

/**
 * POST /pvt/orders/{sellerOrderId}/fulfill of the External Seller Fulfillment protocol: the marketplace that
 * placed the order authorizes its fulfilment. Sent again, it changes nothing and is answered the same.
 */
export async function fulfillForMarketplace(
  deps: Deps,
  principal: Principal,
  sellerOrderId: string,
  call: MarketplaceCall,
): Promise<ProtocolReceipt> {
  const settings = await getSettings(deps, principal.account)
  const decision = await changeOrder(
    deps,
    { actor: principal, orderId: sellerOrderId, settings },
    (draft, ctx) => {
      assertPlacedBy(draft.order, call.marketplaceOrderId)
      return marketplaceAuthorizes(draft, ctx)
    },
  )
  const { order } = decision
  return {
    date: decidedAt(decision),
    marketplaceOrderId: order.marketplaceOrderId ?? '',
    orderId: order.orderId,
    receipt: lowerHexId(),
  }
}
