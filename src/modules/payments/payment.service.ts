// Use cases of the Payment section: the order's payment transaction, payment notifications, and Ordo's denials.
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { paymentStatus, transactionStatus } from '../orders/order-payment.ts'
import { renderTransaction } from '../orders/order-document.ts'
import { changeOrderGroup, loadOrder } from '../orders/order.service.ts'
import { approveOnArrival, approvePayment, denyPayment } from './payment.ts'
import type { PaymentTransaction } from './payment.schemas.ts'

/**
 * The rule a payment notification runs, for a writer of many orders at once (`ordo seed`), and the one intake
 * runs for payments that arrive approved.
 */
export { approveOnArrival, approvePayment }

/** GET …/payment-transaction: the transaction Get order shows, plus each payment's status and the money moved. */
export async function getPaymentTransaction(
  deps: Deps,
  principal: Principal,
  orderId: string,
): Promise<PaymentTransaction> {
  const order = await loadOrder(deps.db, principal, orderId)
  const transaction = renderTransaction(order)
  return {
    status: transactionStatus(order),
    ...transaction,
    payments: transaction.payments.map((p) => ({
      ...p,
      firstDigits: p.firstDigits ?? '',
      lastDigits: p.lastDigits ?? '',
      connectorResponses: { Tid: p.tid, ReturnCode: null, Message: null, authId: '' },
      status: paymentStatus(order, p.id),
    })),
    events: order.payment.entries,
  }
}

/** Denies the payment for the whole order group: every order that still holds a share of it is canceled. */
export async function denyPaymentOf(
  deps: Deps,
  principal: Principal,
  orderId: string,
  paymentId: string,
  reason: string | null,
): Promise<void> {
  const settings = await getSettings(deps, principal.account)
  await changeOrderGroup(deps, { actor: principal, orderId, settings }, denyPayment(paymentId, reason))
}

/** Approves the payment for the whole order group: one notification moves every order of the group on. */
export async function notifyPayment(
  deps: Deps,
  principal: Principal,
  orderId: string,
  paymentId: string,
): Promise<void> {
  const settings = await getSettings(deps, principal.account)
  await changeOrderGroup(deps, { actor: principal, orderId, settings }, approvePayment(paymentId))
}
