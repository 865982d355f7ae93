// Payment notifications: approving or denying one payment of an order group's shared transaction. Pure.
import { AppError } from '../../platform/errors.ts'
import { cancellationOf, type Order } from '../orders/order.ts'
import { closePayments, paymentStatus } from '../orders/order-payment.ts'
import { canTake } from '../orders/order-status.ts'
import {
  fire,
  record,
  type Draft,
  type GroupRule,
  type Rule,
  type WorkflowContext,
} from '../orders/order-workflow.ts'

/**
 * Approves the payment for every order of the group that still holds an open share of it; each moves on once
 * every payment of the transaction is approved. Repeating a notification changes nothing.
 */
export const approvePayment =
  (paymentId: string): GroupRule =>
  (group, target, ctx) => {
    const payment = paymentOf(target, paymentId)
    const open = openIn(group, target, paymentId, 'approved')
    if (payment.approvedAt) return group
    return group.map((draft) => (open(draft) ? approveIn(draft, paymentId, ctx) : draft))
  }

/**
 * Payments the storefront's gateway approved before the order was placed (a card captured at checkout): approved
 * as the order starts, so it waits for no notification.
 */
export const approveOnArrival =
  (paymentIds: readonly string[]): Rule =>
  (draft, ctx) =>
    paymentIds.reduce((current, paymentId) => approveIn(current, paymentId, ctx), draft)

/**
 * The gateway refused the payment: every order of the group that still holds a share of it is canceled
 * (`payment-denied`, then `cancel` and `canceled`), its cancellation requested by the payment notification, and
 * its shares voided. An approved payment can no longer be denied: canceling the order refunds it.
 */
export const denyPayment =
  (paymentId: string, reason: string | null): GroupRule =>
  (group, target, ctx) => {
    const payment = paymentOf(target, paymentId)
    const open = openIn(group, target, paymentId, 'denied')
    if (payment.approvedAt) {
      throw new AppError(
        'PAYMENT_NOT_PENDING',
        `Payment ${paymentId} is already approved and can no longer be denied; cancel order ${target.orderId} to refund it.`,
      )
    }
    return group.map((draft) => {
      if (!open(draft)) return draft
      const canceled: Order = {
        ...draft.order,
        cancellation: cancellationOf('payment', reason ?? `Payment ${paymentId} was denied.`, ctx.now),
        pendingCancellation: null,
      }
      return closePayments(fire({ ...draft, order: canceled }, 'deny-payment', ctx), ctx)
    })
  }

function paymentOf(order: Order, paymentId: string) {
  const payment = order.payment.payments.find((p) => p.id === paymentId)
  if (!payment) {
    throw new AppError('PAYMENT_NOT_FOUND', `Payment ${paymentId} does not belong to order ${order.orderId}.`)
  }
  return payment
}

/**
 * Whether an order of the group still takes part in the payment: a canceled one no longer does, whatever its
 * share was. A payment no order takes part in any more cannot be approved or denied.
 */
function openIn(group: readonly Draft[], target: Order, paymentId: string, verb: string) {
  const open = (draft: Draft) =>
    draft.order.cancellation === null && draft.order.payment.payments.some((p) => p.id === paymentId)
  if (!group.some(open)) {
    throw new AppError(
      'PAYMENT_NOT_PENDING',
      `Payment ${paymentId} was ${paymentStatus(target, paymentId)} when order ${target.orderId} was canceled; it can no longer be ${verb}.`,
    )
  }
  return open
}

function approveIn(draft: Draft, paymentId: string, ctx: WorkflowContext): Draft {
  const { order } = draft
  const payment = order.payment.payments.find((p) => p.id === paymentId)
  if (!payment || payment.approvedAt) return draft
  const payments = order.payment.payments.map((p) => (p.id === paymentId ? { ...p, approvedAt: ctx.now } : p))
  const entries =
    payment.share > 0
      ? [
          ...order.payment.entries,
          { type: 'approval' as const, paymentId, value: payment.share, date: ctx.now },
        ]
      : order.payment.entries
  const approved = record(
    draft,
    { ...order, payment: { ...order.payment, payments, entries } },
    'payment',
    { paymentId, action: 'approval', value: payment.share },
    ctx,
  )
  const allApproved = payments.every((p) => p.approvedAt !== null)
  return allApproved && canTake(approved.order.status, 'approve-payment', approved.order.workflow.flow)
    ? fire(approved, 'approve-payment', ctx)
    : approved
}
