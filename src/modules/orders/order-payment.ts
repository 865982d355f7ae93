// The order's payment ledger: what state its share of the group's transaction is in, and closing that share
// when the order is canceled. Pure; features (payments, cancellation, returns) record through these.
import type { LedgerEntryType, Order, TransactionPayment } from './order.ts'
import { record, type Draft, type WorkflowContext } from './order-workflow.ts'

export const TRANSACTION_STATUSES = ['Authorizing', 'Approved', 'Cancelled', 'Refunded'] as const
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number]

/** What this order's share of a payment became: open, or voided or refunded when the order was canceled. */
export function shareClosedBy(order: Order, paymentId: string): LedgerEntryType | null {
  const closing = order.payment.entries.find((e) => e.paymentId === paymentId && e.type !== 'approval')
  return closing?.type ?? null
}

const ownShares = (order: Order): TransactionPayment[] => order.payment.payments.filter((p) => p.share > 0)

/** The transaction as this order sees it: a canceled order's is over even if its siblings' goes on. */
export function transactionStatus(order: Order): TransactionStatus {
  const shares = ownShares(order)
  const closings = shares.map((p) => shareClosedBy(order, p.id))
  if (order.cancellation || (shares.length > 0 && closings.every((c) => c !== null))) {
    return closings.includes('refund') ? 'Refunded' : 'Cancelled'
  }
  return order.payment.payments.every((p) => p.approvedAt !== null) ? 'Approved' : 'Authorizing'
}

export const isTransactionActive = (order: Order): boolean => {
  const status = transactionStatus(order)
  return status === 'Authorizing' || status === 'Approved'
}

/** Voids this order's share of every payment not yet approved and refunds its share of the approved ones. */
export function closePayments(draft: Draft, ctx: WorkflowContext): Draft {
  let current = draft
  for (const payment of ownShares(current.order)) {
    if (shareClosedBy(current.order, payment.id)) continue
    const type = payment.approvedAt ? 'refund' : 'void'
    const order: Order = {
      ...current.order,
      payment: {
        ...current.order.payment,
        entries: [
          ...current.order.payment.entries,
          { type, paymentId: payment.id, value: payment.share, date: ctx.now },
        ],
      },
    }
    current = record(
      current,
      order,
      'payment',
      { paymentId: payment.id, action: type, value: payment.share },
      ctx,
    )
  }
  return current
}
