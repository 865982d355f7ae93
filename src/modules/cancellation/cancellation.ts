// Cancellation rules: the store's cancel, the customer's request and the store's denial. Pure.
import { AppError } from '../../platform/errors.ts'
import { cancellationOf, isPartiallyInvoiced, type CancellationRequest, type Order } from '../orders/order.ts'
import { closePayments } from '../orders/order-payment.ts'
import { canTake } from '../orders/order-status.ts'
import { fire, record, resume, type Rule } from '../orders/order-workflow.ts'

export interface CancelInput {
  reason: string | null
  requestedByUser: boolean
}

function assertCancellable(order: Order): void {
  const id = order.orderId
  if (order.cancellation) throw new AppError('INVALID_TRANSITION', `Order ${id} is already canceled.`)
  if (order.invoicedDate) {
    throw new AppError(
      'CANNOT_CANCEL',
      `Order ${id} is invoiced and cannot be canceled; send a return invoice (type Input) instead.`,
    )
  }
  if (isPartiallyInvoiced(order)) {
    throw new AppError('CANNOT_CANCEL', `Order ${id} is partially invoiced and cannot be canceled.`)
  }
  if (!canTake(order.status, 'cancel')) {
    throw new AppError('INVALID_TRANSITION', `Order ${id} cannot be canceled while it is ${order.status}.`)
  }
}

/** Cancels now, fills the cancellation data, and voids or refunds the order's share of each payment. */
export const cancel =
  (input: CancelInput): Rule =>
  (draft, ctx) => {
    const { order } = draft
    assertCancellable(order)
    // Accepting a customer's pending request cancels on the customer's behalf.
    const pending = order.pendingCancellation
    const byUser = input.requestedByUser || pending !== null
    const canceled: Order = {
      ...order,
      cancellation: cancellationOf(byUser ? 'customer' : 'store', input.reason, ctx.now, pending?.requestId),
      pendingCancellation: null,
    }
    return closePayments(fire({ ...draft, order: canceled }, 'cancel', ctx), ctx)
  }

/**
 * The customer's cancellation: immediate while the store has not started work (up to the end of the grace
 * period); afterwards a request the store accepts (cancel) or denies.
 */
export const requestCancellation =
  (requestId: string, reason: string | null): Rule =>
  (draft, ctx) => {
    const { order } = draft
    if (order.pendingCancellation) {
      throw new AppError(
        'INVALID_TRANSITION',
        `Order ${order.orderId} already has a cancellation request waiting for the store.`,
      )
    }
    if (!canTake(order.status, 'request-cancel')) return cancel({ reason, requestedByUser: true })(draft, ctx)
    assertCancellable(order)
    const request: CancellationRequest = {
      id: requestId,
      reason,
      cancellationRequestDate: ctx.now,
      requestedByUser: true,
      deniedBySeller: false,
      deniedBySellerReason: null,
      cancellationRequestDenyDate: null,
    }
    const requested: Order = {
      ...order,
      cancellationRequests: [...order.cancellationRequests, request],
      pendingCancellation: { requestId, resume: order.workflow.instances },
    }
    const recorded = record(
      draft,
      requested,
      'cancellation-request',
      { requestId, action: 'requested', reason },
      ctx,
    )
    return fire(recorded, 'request-cancel', ctx)
  }

/** The store refuses the customer's request: the order goes back to the status the request interrupted. */
export const denyCancellation =
  (requestId: string, denyReason: string | null): Rule =>
  (draft, ctx) => {
    const { order } = draft
    const pending = order.pendingCancellation
    if (order.cancellation) {
      throw new AppError(
        'CANCELLATION_REQUEST_NOT_FOUND',
        `Order ${order.orderId} is already canceled; there is no cancellation request to deny.`,
      )
    }
    if (!pending || pending.requestId !== requestId) {
      throw new AppError(
        'CANCELLATION_REQUEST_NOT_FOUND',
        `Order ${order.orderId} has no pending cancellation request with id ${requestId}.`,
      )
    }
    const denied: Order = {
      ...order,
      cancellationRequests: order.cancellationRequests.map((r) =>
        r.id === requestId
          ? {
              ...r,
              deniedBySeller: true,
              deniedBySellerReason: denyReason,
              cancellationRequestDenyDate: ctx.now,
            }
          : r,
      ),
      pendingCancellation: null,
    }
    const recorded = record(
      draft,
      denied,
      'cancellation-request',
      { requestId, action: 'denied', reason: denyReason },
      ctx,
    )
    return resume(recorded, pending.resume, ctx)
  }
