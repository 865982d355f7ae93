// Use cases on existing orders. Every change runs in one transaction: load, decide, save with the version
// checked, record events, timers and messages. That transaction is the only way an order changes.
import type { Db } from '../../db/database.ts'
import type { Deps } from '../../deps.ts'
import { AppError, orderNotFound } from '../../platform/errors.ts'
import { lowerHexId } from '../../platform/ids.ts'
import { retryOnConflict } from '../../platform/retry.ts'
import { findAccount } from '../accounts/account.repository.ts'
import type { Principal } from '../access/roles.ts'
import { recordDecision } from './order-record.ts'
import * as orders from './order.repository.ts'
import * as rules from './order.ts'
import type { Decision, Order, RuleContext } from './order.ts'

export async function getOrderDocument(deps: Deps, principal: Principal, orderId: string): Promise<string> {
  const document = await orders.findOrderDocument(deps, principal.account, orderId)
  if (document === undefined) throw orderNotFound(orderId)
  return document
}

export async function getGroupDocuments(
  { db }: Deps,
  principal: Principal,
  orderGroup: string,
): Promise<string[]> {
  const documents = await orders.findGroupDocuments(db, principal.account, orderGroup)
  if (documents.length === 0)
    throw new AppError('ORDER_NOT_FOUND', `Order group ${orderGroup} was not found.`)
  return documents
}

export type Actor = Pick<Principal, 'account' | 'appKey' | 'shopperEmail'>

export async function loadOrder(db: Db, principal: Actor, orderId: string): Promise<Order> {
  const order = await orders.findOrder(db, principal.account, orderId)
  // A shopper sees only their own orders; anything else looks like it does not exist.
  if (
    !order ||
    (principal.shopperEmail &&
      order.document.clientProfileData.email.toLowerCase() !== principal.shopperEmail)
  ) {
    throw orderNotFound(orderId)
  }
  return order
}

/** The one write path for existing orders. A lost race re-runs the whole decision on fresh data. */
export function changeOrder(
  deps: Deps,
  principal: Actor,
  orderId: string,
  decide: (order: Order, ctx: RuleContext) => Decision,
): Promise<Order> {
  return retryOnConflict(() =>
    deps.db.transaction().execute(async (trx) => {
      const before = await loadOrder(trx, principal, orderId)
      const account = await findAccount(trx, principal.account)
      const now = deps.clock.now().toISOString()
      const decision = decide(before, {
        now,
        gracePeriodMinutes: account?.settings.cancellationGracePeriodMinutes ?? 0,
      })
      if (decision.order === before) return before
      const saved = await orders.updateOrder(trx, decision.order)
      await recordDecision(trx, saved, decision, principal, now)
      return saved
    }),
  )
}

export async function notifyPayment(deps: Deps, principal: Principal, orderId: string, paymentId: string) {
  await changeOrder(deps, principal, orderId, (order, ctx) => rules.approvePayment(order, paymentId, ctx))
}

export async function startHandling(deps: Deps, principal: Principal, orderId: string) {
  await changeOrder(deps, principal, orderId, (order, ctx) => rules.startHandling(order, ctx))
}

export interface Receipt {
  date: string
  orderId: string
  receipt: string
}

const receiptFor = (order: Order, receipt = lowerHexId()): Receipt => ({
  date: order.document.lastChange,
  orderId: order.document.orderId,
  receipt,
})

export async function cancelOrder(
  deps: Deps,
  principal: Principal,
  orderId: string,
  input: { reason?: string | null | undefined; requestedByUser?: boolean | undefined },
): Promise<Receipt> {
  const order = await changeOrder(deps, principal, orderId, (current, ctx) =>
    rules.cancel(
      current,
      { reason: input.reason ?? null, requestedByUser: input.requestedByUser ?? false },
      ctx,
    ),
  )
  return receiptFor(order)
}

/** The customer's own cancellation (shopper token): immediate within the grace period, a request after it. */
export async function requestCancellation(
  deps: Deps,
  principal: Principal,
  orderId: string,
  reason: string | null | undefined,
): Promise<Receipt> {
  const requestId = lowerHexId()
  const order = await changeOrder(deps, principal, orderId, (current, ctx) =>
    rules.requestCancellation(current, requestId, reason ?? null, ctx),
  )
  // A recorded request's receipt is its id, which the store needs to deny it.
  return order.state.cancellationRequest?.id === requestId ? receiptFor(order, requestId) : receiptFor(order)
}

export async function denyCancellation(
  deps: Deps,
  principal: Principal,
  orderId: string,
  input: { cancellationRequestId: string; denyReason?: string | null | undefined },
): Promise<void> {
  await changeOrder(deps, principal, orderId, (order, ctx) =>
    rules.denyCancellation(order, input.cancellationRequestId, input.denyReason ?? null, ctx),
  )
}
