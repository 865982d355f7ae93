// Start handling: the store confirms it took the order on; and a seller's order authorized by its marketplace. Pure.
import { AppError } from '../../platform/errors.ts'
import { canTake } from '../orders/order-status.ts'
import { fire, type Rule } from '../orders/order-workflow.ts'

/** Only where the workflow has a start-handling edge; VTEX answers anything else with OMS003. */
export const startHandling: Rule = (draft, ctx) => {
  if (!canTake(draft.order.status, 'start-handling', draft.order.workflow.flow)) {
    throw new AppError(
      'NOT_READY_FOR_HANDLING',
      'Order status should be ready-for-handling to perform this action',
    )
  }
  return fire(draft, 'start-handling', ctx)
}

/**
 * The marketplace authorizes its seller to fulfil (its payment is approved): `waiting-ffmt-authorization` →
 * `authorize-fulfillment`, then the seller's grace period. `approveMarketplace` approves the order's payment, which
 * is the marketplace's. Sent again, or to an order that went elsewhere meanwhile (canceled), it changes nothing.
 */
export const authorizedByMarketplace =
  (approveMarketplace: Rule): Rule =>
  (draft, ctx) =>
    canTake(draft.order.status, 'authorize-fulfillment', draft.order.workflow.flow)
      ? fire(approveMarketplace(draft, ctx), 'authorize-fulfillment', ctx)
      : draft
