// The predefined roles and the License Manager resources they grant (reference §3a). Pure data.
import type { Resource } from '../../platform/principal.ts'

/** What an ERP or WMS integration needs to run the order flow. */
const FULFILLMENT_INTEGRATION = [
  'View order',
  'List Orders',
  'Change order workflow status',
  'Cancel order',
  'Change order',
  'Notify invoice',
  'Notify payment',
  'Feed v3 and Hook Admin',
  'OMS Viewer',
] as const satisfies readonly Resource[]

export const ROLES = {
  'OMS - Full access': [...FULFILLMENT_INTEGRATION, 'Notify refund', 'Orders Full Access', 'Ordo settings'],
  'IntegrationProfile - Fulfillment Oms': FULFILLMENT_INTEGRATION,
  'OMS - Read only': ['View order', 'List Orders', 'OMS Viewer', 'Feed v3 and Hook view only'],
  // Reaches customers' orders through the user-orders endpoints only, for any clientEmail.
  'Call center operator': ['ViewMyContractOrders', 'ViewMyOrgUnitOrders'],
  'Checkout Admin': ['Orders Full Access'],
  // Ordo's: the key an external seller calls back with (the sellers registry's callbackAppKey), which sends the
  // invoices and tracking of its orders and cancels or refuses to; the registry keeps it to those orders.
  'Ordo - External seller': ['Notify invoice', 'Cancel order'],
} as const satisfies Record<string, readonly Resource[]>

export type RoleName = keyof typeof ROLES
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[]

export const EXTERNAL_SELLER_ROLE: RoleName = 'Ordo - External seller'

export const isRoleName = (name: string): name is RoleName => Object.hasOwn(ROLES, name)

export function resourcesOf(roles: readonly RoleName[]): ReadonlySet<Resource> {
  return new Set(roles.flatMap((role) => ROLES[role]))
}
