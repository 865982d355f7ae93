// Use cases of the Payment section: the order's payment transaction, and payment notifications.
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { paymentStatus, transactionStatus } from '../orders/order-payment.ts'
import { renderTransaction } from '../orders/order-document.ts'
import { changeOrderGroup, loadOrder } from '../orders/order.service.ts'
import { approvePayment } from './payment.ts'

/** The rule a payment notification runs, for a writer of many orders at once (`ordo seed`). */
export { approvePayment }
import type { PaymentTransaction } from './payment.schemas.ts'

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
