// Start handling: the store confirms it took the order on. Pure.
import { AppError } from '../../platform/errors.ts'
import { canTake } from '../orders/order-status.ts'
import { fire, type Rule } from '../orders/order-workflow.ts'

/** Only where the workflow has a start-handling edge; VTEX answers anything else with OMS003. */
export const startHandling: Rule = (draft, ctx) => {
  if (!canTake(draft.order.status, 'start-handling')) {
    throw new AppError(
      'NOT_READY_FOR_HANDLING',
      'Order status should be ready-for-handling to perform this action',
    )
  }
  return fire(draft, 'start-handling', ctx)
}
