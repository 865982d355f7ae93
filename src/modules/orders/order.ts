// Order rules as pure functions: the workflow walk, payments, start handling, cancellation. No I/O, no clock.
import { AppError } from '../../platform/errors.ts'
import type { CancellationRequest, OrderDocument } from './order.schemas.ts'
import {
  canTake,
  domainOf,
  isOrderStatus,
  nextStatus,
  STATUS_DESCRIPTION,
  type OrderStatus,
  type Trigger,
  type WorkflowDomain,
} from './order-status.ts'

export type PaymentStatus = 'pending' | 'approved' | 'voided' | 'refunded'

export interface PaymentRecord {
  paymentId: string
  value: number
  status: PaymentStatus
  approvedAt: string | null
  closedAt: string | null
}

/** What Ordo keeps about an order beside its VTEX document. */
export interface OrderState {
  domain: WorkflowDomain
  lastTransitionAt: string | null
  payments: PaymentRecord[]
  /** The customer's pending cancellation request and the status it interrupted. */
  cancellationRequest: { id: string; resumeTo: 'ready-for-handling' | 'handling' } | null
  graceEndsAt: string | null
}

export interface Order {
  account: string
  document: OrderDocument
  state: OrderState
  version: number
}

/** One edge taken, in the shape of VTEX feed and hook events. */
export interface Transition {
  domain: WorkflowDomain
  state: OrderStatus
  lastState: OrderStatus | null
  lastChange: string | null
  currentChange: string
}

export interface CustomerMessage {
  subject: string
  body: string
}

/** The outcome of a rule: the new order and everything that must be recorded with it, in one transaction. */
export interface Decision {
  order: Order
  transitions: Transition[]
  timers: { kind: 'grace-period-end'; dueAt: string }[]
  messages: CustomerMessage[]
}

export interface RuleContext {
  now: string
  gracePeriodMinutes: number
}

export const statusOf = (order: Order): OrderStatus => {
  const { status } = order.document
  if (!isOrderStatus(status)) throw new Error(`Order ${order.document.orderId} has unknown status ${status}`)
  return status
}

const unchanged = (order: Order): Decision => ({ order, transitions: [], timers: [], messages: [] })

/** Records an order's first status, then walks it as far as the workflow goes by itself. */
export function start(order: Order, ctx: RuleContext): Decision {
  const first: Transition = {
    domain: order.state.domain,
    state: statusOf(order),
    lastState: null,
    lastChange: null,
    currentChange: ctx.now,
  }
  const started = { ...order, state: { ...order.state, lastTransitionAt: ctx.now } }
  const walked = walk(unchanged(started), ctx)
  const decision = { ...walked, transitions: [first, ...walked.transitions] }
  return allPaymentsApproved(decision.order) ? fire(decision, 'approve-payment', ctx) : decision
}

/** Takes the edge `trigger` from the current status, then every automatic edge after it. */
export function fire(decision: Decision, trigger: Trigger, ctx: RuleContext): Decision {
  return walk(step(decision, trigger, ctx), ctx)
}

function walk(decision: Decision, ctx: RuleContext): Decision {
  let current = decision
  for (;;) {
    const status = statusOf(current.order)
    if (canTake(status, 'auto')) current = step(current, 'auto', ctx)
    else if (status === 'window-to-cancel' && ctx.gracePeriodMinutes === 0) {
      current = step(current, 'end-grace-period', ctx)
    } else return current
  }
}

function step(decision: Decision, trigger: Trigger, ctx: RuleContext): Decision {
  const { order } = decision
  const from = statusOf(order)
  const to = nextStatus(from, trigger)
  if (!to)
    throw new AppError(
      'INVALID_TRANSITION',
      `Order ${order.document.orderId} cannot ${trigger} from ${from}.`,
    )
  const domain = domainOf(to, order.state.domain)
  const transition: Transition = {
    domain,
    state: to,
    lastState: from,
    lastChange: order.state.lastTransitionAt,
    currentChange: ctx.now,
  }
  const moved: Order = {
    ...order,
    document: {
      ...order.document,
      status: to,
      statusDescription: STATUS_DESCRIPTION[to],
      lastChange: ctx.now,
      allowCancellation: canTake(to, 'cancel') || canTake(to, 'request-cancel'),
    },
    state: { ...order.state, domain, lastTransitionAt: ctx.now },
  }
  return enter({ ...decision, order: moved, transitions: [...decision.transitions, transition] }, to, ctx)
}

/** What entering a status does besides changing it. */
function enter(decision: Decision, status: OrderStatus, ctx: RuleContext): Decision {
  const { order } = decision
  switch (status) {
    case 'payment-approved':
      return {
        ...decision,
        order: { ...order, document: { ...order.document, authorizedDate: ctx.now } },
        messages: [...decision.messages, paymentApprovedMessage(order)],
      }
    case 'window-to-cancel': {
      if (ctx.gracePeriodMinutes === 0) return decision
      const dueAt = new Date(Date.parse(ctx.now) + ctx.gracePeriodMinutes * 60_000).toISOString()
      return {
        ...decision,
        order: { ...order, state: { ...order.state, graceEndsAt: dueAt } },
        timers: [...decision.timers, { kind: 'grace-period-end', dueAt }],
      }
    }
    case 'ready-for-handling':
      return { ...decision, order: { ...order, state: { ...order.state, graceEndsAt: null } } }
    case 'canceled':
      return {
        ...decision,
        order: { ...order, document: { ...order.document, allowCancellation: false, allowEdition: false } },
        messages: [...decision.messages, canceledMessage(order)],
      }
    default:
      return decision
  }
}

const allPaymentsApproved = (order: Order): boolean =>
  order.state.payments.every((p) => p.status === 'approved')

/** Marks one payment approved; the order moves on once every payment is. Repeating a notification changes nothing. */
export function approvePayment(order: Order, paymentId: string, ctx: RuleContext): Decision {
  const payment = order.state.payments.find((p) => p.paymentId === paymentId)
  if (!payment) {
    throw new AppError(
      'PAYMENT_NOT_FOUND',
      `Payment ${paymentId} does not belong to order ${order.document.orderId}.`,
    )
  }
  if (payment.status === 'approved') return unchanged(order)
  if (payment.status !== 'pending') {
    throw new AppError(
      'PAYMENT_NOT_PENDING',
      `Payment ${paymentId} was ${payment.status} when order ${order.document.orderId} was canceled; it can no longer be approved.`,
    )
  }
  const approved: Order = {
    ...order,
    state: {
      ...order.state,
      payments: order.state.payments.map((p) =>
        p.paymentId === paymentId ? { ...p, status: 'approved' as const, approvedAt: ctx.now } : p,
      ),
    },
  }
  const decision = unchanged(approved)
  return allPaymentsApproved(approved) ? fire(decision, 'approve-payment', ctx) : decision
}

/** Only from ready-for-handling; a grace period that is over counts as ended even before its timer has run. */
export function startHandling(order: Order, ctx: RuleContext): Decision {
  const settled = endGracePeriod(order, ctx)
  if (!canTake(statusOf(settled.order), 'start-handling')) {
    throw new AppError(
      'NOT_READY_FOR_HANDLING',
      'Order status should be ready-for-handling to perform this action',
    )
  }
  return fire(settled, 'start-handling', ctx)
}

/** Moves a `window-to-cancel` order on once its grace period is over; anything else is left alone. */
export function endGracePeriod(order: Order, ctx: RuleContext): Decision {
  const { graceEndsAt } = order.state
  if (statusOf(order) !== 'window-to-cancel' || !graceEndsAt || graceEndsAt > ctx.now) return unchanged(order)
  return fire(unchanged(order), 'end-grace-period', { ...ctx, gracePeriodMinutes: 0 })
}

export interface CancelInput {
  reason: string | null
  requestedByUser: boolean
}

const isPartiallyInvoiced = (order: Order): boolean =>
  (order.document.packageAttachment?.packages ?? []).some((p) => p.type !== 'Input')

function assertCancellable(order: Order): void {
  const status = statusOf(order)
  const id = order.document.orderId
  if (status === 'cancel' || status === 'canceled') {
    throw new AppError('INVALID_TRANSITION', `Order ${id} is already canceled.`)
  }
  if (status === 'invoice' || status === 'invoiced') {
    throw new AppError(
      'CANNOT_CANCEL',
      `Order ${id} is invoiced and cannot be canceled; send a return invoice (type Input) instead.`,
    )
  }
  if (isPartiallyInvoiced(order)) {
    throw new AppError('CANNOT_CANCEL', `Order ${id} is partially invoiced and cannot be canceled.`)
  }
  if (!canTake(status, 'cancel')) {
    throw new AppError('INVALID_TRANSITION', `Order ${id} cannot be canceled while it is ${status}.`)
  }
}

/** Cancels now: voids payments not yet approved, refunds approved ones, and fills cancellationData. */
export function cancel(current: Order, input: CancelInput, ctx: RuleContext): Decision {
  // A grace period that is over has ended, even if its timer has not run yet: the log says so first.
  const settled = endGracePeriod(current, ctx)
  const order = settled.order
  assertCancellable(order)
  // Accepting a customer's pending request cancels on the customer's behalf.
  const byUser = input.requestedByUser || order.state.cancellationRequest !== null
  const canceled: Order = {
    ...order,
    document: {
      ...order.document,
      cancelReason: input.reason,
      cancellationData: {
        RequestedByUser: byUser,
        RequestedBySystem: false,
        RequestedBySellerNotification: !byUser,
        RequestedByPaymentNotification: false,
        Reason: input.reason,
        CancellationDate: ctx.now,
      },
    },
    state: {
      ...order.state,
      cancellationRequest: null,
      graceEndsAt: null,
      payments: order.state.payments.map((p) =>
        p.status === 'pending'
          ? { ...p, status: 'voided' as const, closedAt: ctx.now }
          : p.status === 'approved'
            ? { ...p, status: 'refunded' as const, closedAt: ctx.now }
            : p,
      ),
    },
  }
  return fire({ ...settled, order: canceled }, 'cancel', ctx)
}

/**
 * A customer's cancellation: immediate while the store has not started work (up to the end of the grace
 * period); afterwards a request the store accepts (cancel) or denies.
 */
export function requestCancellation(
  current: Order,
  requestId: string,
  reason: string | null,
  ctx: RuleContext,
): Decision {
  // The grace period ends by the clock, not when its timer gets to run.
  const settled = endGracePeriod(current, ctx)
  const order = settled.order
  const status = statusOf(order)
  if (status === 'cancellation-requested') {
    throw new AppError(
      'INVALID_TRANSITION',
      `Order ${order.document.orderId} already has a cancellation request waiting for the store.`,
    )
  }
  if (!canTake(status, 'request-cancel')) return cancel(order, { reason, requestedByUser: true }, ctx)
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
    document: {
      ...order.document,
      cancellationRequests: [...(order.document.cancellationRequests ?? []), request],
    },
    state: {
      ...order.state,
      cancellationRequest: {
        id: requestId,
        resumeTo: status === 'handling' ? 'handling' : 'ready-for-handling',
      },
    },
  }
  return fire({ ...settled, order: requested }, 'request-cancel', ctx)
}

export function denyCancellation(
  order: Order,
  requestId: string,
  denyReason: string | null,
  ctx: RuleContext,
): Decision {
  const id = order.document.orderId
  const pending = order.state.cancellationRequest
  const status = statusOf(order)
  if (status === 'cancel' || status === 'canceled') {
    throw new AppError(
      'CANCELLATION_REQUEST_NOT_FOUND',
      `Order ${id} is already canceled; there is no cancellation request to deny.`,
    )
  }
  if (!pending || pending.id !== requestId) {
    throw new AppError(
      'CANCELLATION_REQUEST_NOT_FOUND',
      `Order ${id} has no pending cancellation request with id ${requestId}.`,
    )
  }
  const denied: Order = {
    ...order,
    document: {
      ...order.document,
      cancellationRequests: (order.document.cancellationRequests ?? []).map((r) =>
        r.id === requestId
          ? {
              ...r,
              deniedBySeller: true,
              deniedBySellerReason: denyReason,
              cancellationRequestDenyDate: ctx.now,
            }
          : r,
      ),
    },
    state: { ...order.state, cancellationRequest: null },
  }
  const trigger = pending.resumeTo === 'handling' ? 'resume-handling' : 'resume-ready-for-handling'
  return fire(unchanged(denied), trigger, ctx)
}

const customerName = (order: Order): string =>
  `${order.document.clientProfileData.firstName} ${order.document.clientProfileData.lastName}`.trim()

function paymentApprovedMessage(order: Order): CustomerMessage {
  return {
    subject: `Your payment for order ${order.document.orderId} has been approved.`,
    body: `Hello ${customerName(order)}, the payment for order ${order.document.orderId} was approved and the store is preparing it.`,
  }
}

function canceledMessage(order: Order): CustomerMessage {
  return {
    subject: `Your order ${order.document.orderId} has been canceled.`,
    body: `Hello ${customerName(order)}, order ${order.document.orderId} was canceled. Any payment made for it is being returned.`,
  }
}

export function orderReceivedMessage(order: Order): CustomerMessage {
  return {
    subject: `We received your order ${order.document.orderId}.`,
    body: `Hello ${customerName(order)}, we received order ${order.document.orderId} and are waiting for its payment to be approved.`,
  }
}
