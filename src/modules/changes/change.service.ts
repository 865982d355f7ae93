// Use case of Register modifications: one order change; a repeated request id answers with its first receipt.
import type { Deps } from '../../deps.ts'
import type { Receipt } from '../../platform/http-schemas.ts'
import { lowerHexId } from '../../platform/ids.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { changeOrder } from '../orders/order.service.ts'
import type { ChangeBody } from './change.schemas.ts'
import { registerChange } from './registered-change.ts'

export async function registerOrderChange(
  deps: Deps,
  principal: Principal,
  orderId: string,
  body: ChangeBody,
): Promise<Receipt> {
  const settings = await getSettings(deps, principal.account)
  const input = {
    requestId: body.requestId,
    reason: body.reason ?? null,
    discountValue: body.discountValue ?? 0,
    incrementValue: body.incrementValue ?? 0,
    itemsAdded: body.itemsAdded ?? [],
    itemsRemoved: (body.itemsRemoved ?? []).map(({ id, quantity }) => ({ id, quantity, price: 0 })),
  }
  const rule = registerChange(input, lowerHexId())
  const { order } = await changeOrder(deps, { actor: principal, orderId, settings }, rule)
  const change = order.changes.find((c) => c.requestId === body.requestId)
  if (!change) throw new Error(`Change ${body.requestId} of order ${order.orderId} was not recorded.`)
  return { date: change.date, orderId: order.orderId, receipt: change.receipt }
}
