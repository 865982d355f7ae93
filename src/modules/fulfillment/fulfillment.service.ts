// Use cases of fulfilment: the ERP starts handling an order (invoices and tracking come next).
import type { Deps } from '../../deps.ts'
import type { Principal } from '../../platform/principal.ts'
import { getSettings } from '../accounts/account.service.ts'
import { changeOrder } from '../orders/order.service.ts'
import { startHandling } from './handling.ts'

/** The rule start handling runs, for a writer of many orders at once (`ordo seed`). */
export { startHandling }

export async function startOrderHandling(deps: Deps, principal: Principal, orderId: string): Promise<void> {
  const settings = await getSettings(deps, principal.account)
  await changeOrder(deps, { actor: principal, orderId, settings }, startHandling)
}
