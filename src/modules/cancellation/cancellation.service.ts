// Use cases of cancellation: the store cancels, the customer asks, the store denies. Each is one order change.
import type { Deps } from '../../deps.ts'
import type { Receipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { decidedAt, type Rule } from '../orders/order-workflow.ts'
import { changeOrder } from '../orders/order.service.ts'
import { cancel, denyCancellation, requestCancellation } from './cancellation.ts'

const change = async (deps: Deps, principal: Principal, orderId: string, rule: Rule) => {
  const settings = await getSettings(deps, principal.account)
  return changeOrder(deps, { actor: principal, orderId, settings }, rule)
}

export interface CancelRequest {
  reason?: string | null | undefined
  requestedByUser?: boolean | undefined
}

/** The rule POST …/cancel runs, for a writer of many orders at once (`ordo seed`). */
export const cancelRule = (input: CancelRequest): Rule =>
  cancel({ reason: input.reason ?? null, requestedByUser: input.requestedByUser ?? false })

export async function cancelOrder(
  deps: Deps,
  principal: Principal,
  orderId: string,
  input: CancelRequest,
): Promise<Receipt> {
  const decision = await change(deps, principal, orderId, cancelRule(input))
  const { order } = decision
  return { date: decidedAt(decision), orderId: order.orderId, receipt: lowerHexId() }
}

/** The customer's own cancellation (shopper token): immediate within the grace period, a request after it. */
export async function requestOrderCancellation(
  deps: Deps,
  principal: Principal,
  orderId: string,
  reason: string | null | undefined,
): Promise<Receipt> {
  const requestId = lowerHexId()
  const decision = await change(deps, principal, orderId, requestCancellation(requestId, reason ?? null))
  const { order } = decision
  // A recorded request's receipt is its id, which the store needs to deny it.
  const recorded = order.pendingCancellation?.requestId === requestId
  return { date: decidedAt(decision), orderId: order.orderId, receipt: recorded ? requestId : lowerHexId() }
}

export async function denyOrderCancellation(
  deps: Deps,
  principal: Principal,
  orderId: string,
  input: { cancellationRequestId: string; denyReason?: string | null | undefined },
): Promise<void> {
  await change(
    deps,
    principal,
    orderId,
    denyCancellation(input.cancellationRequestId, input.denyReason ?? null),
  )
}
