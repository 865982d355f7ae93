// Use cases of fulfilment: the ERP starts handling an order (invoices and tracking come next).
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { changeOrder } from '../orders/order.service.ts'
import { startHandling } from './handling.ts'

export async function startOrderHandling(deps: Deps, principal: Principal, orderId: string): Promise<void> {
  const settings = await getSettings(deps, principal.account)
  await changeOrder(deps, { actor: principal, orderId, settings }, startHandling)
}
