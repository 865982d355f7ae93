// Payment notifications: approving one payment of an order group's shared transaction. Pure.
import { AppError } from '../../platform/errors.ts'
import { paymentStatus } from '../orders/order-payment.ts'
import { canTake } from '../orders/order-status.ts'
import { fire, record, type Draft, type GroupRule, type WorkflowContext } from '../orders/order-workflow.ts'

/**
 * Approves the payment for every order of the group that still holds an open share of it; each moves on once
 * every payment of the transaction is approved. Repeating a notification changes nothing.
 */
export const approvePayment =
  (paymentId: string): GroupRule =>
  (group, target, ctx) => {
    const payment = target.payment.payments.find((p) => p.id === paymentId)
    if (!payment) {
      throw new AppError(
        'PAYMENT_NOT_FOUND',
        `Payment ${paymentId} does not belong to order ${target.orderId}.`,
      )
    }
    // A canceled order takes no part in the transaction any more, whatever its share was.
    const open = (draft: Draft) =>
      draft.order.cancellation === null && draft.order.payment.payments.some((p) => p.id === paymentId)
    if (!group.some(open)) {
      throw new AppError(
        'PAYMENT_NOT_PENDING',
        `Payment ${paymentId} was ${paymentStatus(target, paymentId)} when order ${target.orderId} was canceled; it can no longer be approved.`,
      )
    }
    if (payment.approvedAt) return group
    return group.map((draft) => (open(draft) ? approveIn(draft, paymentId, ctx) : draft))
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
  return allApproved && canTake(approved.order.status, 'approve-payment')
    ? fire(approved, 'approve-payment', ctx)
    : approved
}
