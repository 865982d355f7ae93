// Use cases of fulfilment: the ERP starts handling an order (invoices and tracking come next); a seller's order is
// authorized by its marketplace.
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import type { Rule } from '../orders/order-workflow.ts'
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
