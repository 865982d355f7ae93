// Cancellation rules: the store's cancel, the customer's request and the store's denial, and how they go between a
// marketplace and its seller. Pure.
import { AppError } from '../../platform/errors.ts'
import {
  cancellationOf,
  isPartiallyInvoiced,
  type CancellationCause,
  type CancellationRequest,
  type Order,
} from '../orders/order.ts'
import { closePayments } from '../orders/order-payment.ts'
import { canTake } from '../orders/order-status.ts'
import {
  fire,
  record,
  resume,
  type Draft,
  type Rule,
  type WorkflowContext,
} from '../orders/order-workflow.ts'

export interface CancelInput {
  reason: string | null
  requestedByUser: boolean
  /** The id the cancellation gets if it becomes a request to the order's seller. */
  requestId: string
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
  if (!canTake(order.status, 'cancel', order.workflow.flow)) {
    throw new AppError('INVALID_TRANSITION', `Order ${id} cannot be canceled while it is ${order.status}.`)
  }
}

/**
 * The store's cancel. A marketplace order its seller is fulfilling is not the marketplace's to cancel: the cancel
 * asks the seller (`request-cancel` → `waiting-for-seller-decision`), who accepts or denies.
 */
export const cancel =
  (input: CancelInput): Rule =>
  (draft, ctx) => {
    const { order } = draft
    if (order.workflow.flow === 'marketplace') {
      if (order.pendingCancellation) throw waitingForSeller(order)
      if (canTake(order.status, 'request-cancel', 'marketplace')) {
        return ask(draft, ctx, { id: input.requestId, reason: input.reason, byUser: input.requestedByUser })
      }
    }
    return cancelNow(input)(draft, ctx)
  }

/**
 * Cancels now, fills the cancellation data, and voids or refunds the order's share of each payment. Also how a
 * seller's cancellation reaches its marketplace's order (`requestedBySellerNotification`).
 */
export const cancelNow =
  (input: Omit<CancelInput, 'requestId'>, cause?: CancellationCause): Rule =>
  (draft, ctx) => {
    const { order } = draft
    assertCancellable(order)
    // Accepting a customer's pending request cancels on the customer's behalf.
    const pending = order.pendingCancellation
    const byUser = input.requestedByUser || (pending !== null && pending.byUser !== false)
    const canceled: Order = {
      ...order,
      cancellation: cancellationOf(
        cause ?? causeOf(order, byUser),
        input.reason,
        ctx.now,
        pending?.requestId,
      ),
      pendingCancellation: null,
    }
    return closePayments(fire({ ...draft, order: canceled }, 'cancel', ctx), ctx)
  }

/**
 * Who canceled, when the caller does not say: the customer; the marketplace, on its own order for a seller or
 * through the request a seller's order accepts; or else the store, which is the seller.
 */
function causeOf(order: Order, byUser: boolean): CancellationCause {
  if (byUser) return 'customer'
  if (order.workflow.flow === 'marketplace' || order.pendingCancellation) return 'marketplace'
  return 'store'
}

const waitingForSeller = (order: Order) =>
  new AppError(
    'INVALID_TRANSITION',
    `Order ${order.orderId} has asked its seller to cancel it; the seller accepts or denies the request.`,
  )

/**
 * Records a cancellation request and takes the order to where it waits for the decision: the store's
 * (`cancellation-requested`) or, on a marketplace order, its seller's (`waiting-for-seller-decision`). A denial
 * takes it back where it was; a marketplace order back to `payment-approved`, as VTEX does, and on to its seller.
 */
function ask(
  draft: Draft,
  ctx: WorkflowContext,
  { id, reason, byUser }: { id: string; reason: string | null; byUser: boolean },
): Draft {
  const { order } = draft
  assertCancellable(order)
  const request: CancellationRequest = {
    id,
    reason,
    cancellationRequestDate: ctx.now,
    requestedByUser: byUser,
    deniedBySeller: false,
    deniedBySellerReason: null,
    cancellationRequestDenyDate: null,
  }
  const resumeAt =
    order.workflow.flow === 'marketplace'
      ? { ...order.workflow.instances, Marketplace: 'payment-approved' as const }
      : order.workflow.instances
  const requested: Order = {
    ...order,
    cancellationRequests: [...order.cancellationRequests, request],
    pendingCancellation: { requestId: id, resume: resumeAt, byUser },
  }
  const recorded = record(
    draft,
    requested,
    'cancellation-request',
    { requestId: id, action: 'requested', reason },
    ctx,
  )
  return fire(recorded, 'request-cancel', ctx)
}

/**
 * The customer's cancellation, or a marketplace's reaching its seller's order: immediate while the store has not
 * started work (up to the end of the grace period); afterwards a request the store accepts (cancel) or denies.
 */
export const requestCancellation =
  (requestId: string, reason: string | null, requestedByUser = true): Rule =>
  (draft, ctx) => {
    const { order } = draft
    if (order.pendingCancellation) {
      if (order.workflow.flow === 'marketplace') throw waitingForSeller(order)
      throw new AppError(
        'INVALID_TRANSITION',
        `Order ${order.orderId} already has a cancellation request waiting for the store.`,
      )
    }
    if (!canTake(order.status, 'request-cancel', order.workflow.flow)) {
      const cause = requestedByUser ? 'customer' : 'marketplace'
      return cancelNow({ reason, requestedByUser }, cause)(draft, ctx)
    }
    return ask(draft, ctx, { id: requestId, reason, byUser: requestedByUser })
  }

/**
 * The store refuses the customer's request: the order goes back to the status the request interrupted. On a
 * marketplace order the seller decides, not the marketplace (sellerDenied).
 */
export const denyCancellation =
  (requestId: string, denyReason: string | null): Rule =>
  (draft, ctx) => {
    if (draft.order.workflow.flow === 'marketplace' && draft.order.pendingCancellation) {
      throw waitingForSeller(draft.order)
    }
    return sellerDenied(requestId, denyReason)(draft, ctx)
  }

/** The seller refused a cancellation request: the order goes back where the request found it. */
export const sellerDenied =
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

/**
 * A marketplace asks its seller to cancel (the seller's side): as the customer's request, immediate up to the end
 * of the grace period, a request for the store afterwards. Asked again, it changes nothing.
 */
export const marketplaceAsks =
  (requestId: string, reason: string | null, requestedByUser: boolean): Rule =>
  (draft, ctx) =>
    draft.order.cancellation || draft.order.pendingCancellation
      ? draft
      : requestCancellation(requestId, reason, requestedByUser)(draft, ctx)

/**
 * The seller canceled its order, on its own or accepting the request: so is the marketplace's, unless the
 * marketplace keeps a window to change seller (windowToChangeSellerDays), in which its order waits for another
 * seller and is canceled when the window ends.
 */
export const canceledBySeller =
  (reason = 'The seller canceled the order.', seller?: number): Rule =>
  (draft, ctx) => {
    const { order } = draft
    // Canceled, or waiting for another seller already: a cancellation told again changes nothing; nor does one
    // by a seller the order has left (`seller`: the changes of seller before the one that canceled).
    const left = seller !== undefined && seller !== order.sellerChanges.length
    if (order.cancellation || order.status === 'window-to-change-seller' || left) return draft
    const pending = order.pendingCancellation
    // Accepting the marketplace's request keeps who asked and why; a seller's own cancellation is the seller's.
    if (pending) {
      const asked = order.cancellationRequests.find((request) => request.id === pending.requestId)
      return cancelNow({ reason: asked?.reason ?? reason, requestedByUser: false })(draft, ctx)
    }
    // An order the seller invoiced in part is not another seller's to take: it cannot be canceled either.
    const waits =
      ctx.settings.windowToChangeSellerDays > 0 &&
      !isPartiallyInvoiced(order) &&
      canTake(order.status, 'seller-cancel', order.workflow.flow)
    // The seller's reason is the marketplace's to read while it looks for another seller: an interaction.
    if (waits) {
      const told = record(draft, order, 'interaction', { source: 'Seller', message: reason }, ctx)
      return fire(told, 'seller-cancel', ctx)
    }
    return cancelNow({ reason, requestedByUser: false }, 'store')(draft, ctx)
  }

/**
 * The seller refused the marketplace's request `requestId`: the marketplace's order goes back to its seller. A
 * refusal of a request no longer pending (told twice) changes nothing.
 */
export const deniedBySeller =
  (requestId: string, denyReason: string | null): Rule =>
  (draft, ctx) =>
    draft.order.pendingCancellation?.requestId === requestId
      ? sellerDenied(requestId, denyReason)(draft, ctx)
      : draft

/**
 * An external seller's invoice on the marketplace order waiting for its decision refuses the cancellation: the
 * protocol's way to deny one.
 */
export const refusedByInvoice: Rule = (draft, ctx) => {
  const pending = draft.order.pendingCancellation
  return pending && draft.order.status === 'waiting-for-seller-decision'
    ? deniedBySeller(pending.requestId, 'The seller invoiced the order instead.')(draft, ctx)
    : draft
}

/** The cancellation request the marketplace's order sends: its pending request, or its cancellation. */
export function cancellationRequestOf(order: Order): {
  requestId: string
  reason: string | null
  requestedByUser: boolean
  date: string
} {
  const pending = order.pendingCancellation
  const request = order.cancellationRequests.find((r) => r.id === pending?.requestId)
  if (pending && request) {
    return {
      requestId: pending.requestId,
      reason: request.reason,
      requestedByUser: request.requestedByUser,
      date: request.cancellationRequestDate,
    }
  }
  return {
    requestId: order.cancellation?.requestId ?? `${order.orderId}-cancel`,
    reason: order.cancellation?.reason ?? null,
    requestedByUser: order.cancellation?.requestedByUser ?? false,
    date: order.cancellation?.date ?? order.lastChange,
  }
}
