// The order's payment ledger: what state its share of the group's transaction is in, and the money that moves
// on it after approval (charges and refunds when changes or returns move the value, and closing the share when
// the order is canceled). Pure; features (payments, cancellation, returns, changes) record through these.
import type { LedgerEntryType, Order, PaymentGroup, TransactionPayment } from './order.ts'
import { record, type Draft, type WorkflowContext } from './order-draft.ts'

export const TRANSACTION_STATUSES = ['Authorizing', 'Approved', 'Cancelled', 'Refunded'] as const
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number]

export const PAYMENT_STATUSES = ['pending', 'approved', 'voided', 'refunded'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

const ownShares = (order: Order): TransactionPayment[] => order.payment.payments.filter((p) => p.share > 0)

const entriesOf = (order: Order, paymentId: string) =>
  order.payment.entries.filter((e) => e.paymentId === paymentId)

/** Cents of this order's share of an approved payment still held: approved and charged, less refunds. */
export function shareBalance(order: Order, paymentId: string): number {
  return entriesOf(order, paymentId).reduce((sum, e) => {
    if (e.type === 'approval' || e.type === 'charge') return sum + e.value
    return e.type === 'refund' ? sum - e.value : sum
  }, 0)
}

/** A payment as one order of the group sees it; for a canceled order, none of it is taken any more. */
export function paymentStatus(order: Order, paymentId: string): PaymentStatus {
  const approved = order.payment.payments.find((p) => p.id === paymentId)?.approvedAt
  const refunded =
    entriesOf(order, paymentId).some((e) => e.type === 'refund') && shareBalance(order, paymentId) === 0
  if (approved && refunded) return 'refunded'
  if (order.cancellation || entriesOf(order, paymentId).some((e) => e.type === 'void')) return 'voided'
  return approved ? 'approved' : 'pending'
}

/** The transaction as this order sees it: a canceled or wholly returned order's is over even if its siblings' goes on. */
export function transactionStatus(order: Order): TransactionStatus {
  const statuses = ownShares(order).map((p) => paymentStatus(order, p.id))
  if (order.cancellation) return statuses.includes('refunded') ? 'Refunded' : 'Cancelled'
  if (statuses.length > 0 && statuses.every((s) => s === 'refunded')) return 'Refunded'
  return order.payment.payments.every((p) => p.approvedAt !== null) ? 'Approved' : 'Authorizing'
}

export const isTransactionActive = (order: Order): boolean => {
  const status = transactionStatus(order)
  return status === 'Authorizing' || status === 'Approved'
}

function move(draft: Draft, type: LedgerEntryType, paymentId: string, value: number, ctx: WorkflowContext) {
  const { order } = draft
  const entries = [...order.payment.entries, { type, paymentId, value, date: ctx.now }]
  const moved: Order = { ...order, payment: { ...order.payment, entries } }
  return record(draft, moved, 'payment', { paymentId, action: type, value }, ctx)
}

/** Voids this order's share of every payment not yet approved and refunds what it still holds of the approved ones. */
export function closePayments(draft: Draft, ctx: WorkflowContext): Draft {
  let current = draft
  for (const payment of ownShares(current.order)) {
    if (!payment.approvedAt) {
      const voided = entriesOf(current.order, payment.id).some((e) => e.type === 'void')
      if (!voided) current = move(current, 'void', payment.id, payment.share, ctx)
    } else {
      const balance = shareBalance(current.order, payment.id)
      if (balance > 0) current = move(current, 'refund', payment.id, balance, ctx)
    }
  }
  return current
}

/**
 * Gives `value` cents back to the customer from the approved shares, first payment first, each up to what it
 * holds. The rules that call it keep the value returned within what was paid, so running short is a bug.
 */
export function refund(draft: Draft, value: number, ctx: WorkflowContext): Draft {
  let current = draft
  let left = value
  for (const payment of ownShares(current.order)) {
    if (left === 0) break
    if (!payment.approvedAt) continue
    const take = Math.min(left, shareBalance(current.order, payment.id))
    if (take > 0) current = move(current, 'refund', payment.id, take, ctx)
    left -= take
  }
  if (left > 0)
    throw new Error(`Order ${draft.order.orderId} holds ${value - left} cents; cannot refund ${value}.`)
  return current
}

/** Payment methods that can be charged again after approval (VTEX: a credit card, a promissory note). */
const CHARGEABLE_GROUPS: readonly PaymentGroup[] = ['creditCard', 'promissory']

/**
 * The approved payment a change that raises the order's value is charged on, if the order has one; payment
 * systems the store allows (order modifications' customPaymentSystemsAllowed) count as well.
 */
export const chargeablePayment = (
  order: Order,
  allowedSystems: readonly string[] = [],
): TransactionPayment | undefined =>
  ownShares(order).find(
    (p) => p.approvedAt && (CHARGEABLE_GROUPS.includes(p.group) || allowedSystems.includes(p.paymentSystem)),
  )

/** Charges `value` cents more on one of the order's payments (see chargeablePayment). */
export const charge = (draft: Draft, paymentId: string, value: number, ctx: WorkflowContext): Draft =>
  move(draft, 'charge', paymentId, value, ctx)
