// License Manager resources and the predefined roles that grant them (reference §3a). Pure data.
export const RESOURCES = [
  'View order',
  'List Orders',
  'Change order workflow status',
  'Cancel order',
  'Change order',
  'Notify invoice',
  'Notify refund',
  'Notify payment',
  'Feed v3 and Hook Admin',
  'Feed v3 and Hook view only',
  'OMS Viewer',
  'Orders Full Access',
  'ViewMyContractOrders',
  'ViewMyOrgUnitOrders',
  'Ordo settings',
] as const
export type Resource = (typeof RESOURCES)[number]

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
} as const satisfies Record<string, readonly Resource[]>

export type RoleName = keyof typeof ROLES
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[]

export const isRoleName = (name: string): name is RoleName => Object.hasOwn(ROLES, name)

export function resourcesOf(roles: readonly RoleName[]): ReadonlySet<Resource> {
  return new Set(roles.flatMap((role) => ROLES[role]))
}

/** Who is calling: the account every query is scoped to, and what the credential may do. */
export interface Principal {
  account: string
  /** The AppKey behind the request (also for tokens minted from a key); null for shopper tokens. */
  appKey: string | null
  roles: readonly RoleName[]
  resources: ReadonlySet<Resource>
  /** Set for shopper tokens: the customer whose orders this credential may act on. */
  shopperEmail: string | null
}

/** Any one of the listed resources is enough, as the reference's permission tables say. */
export const canAccess = (principal: Principal, anyOf: readonly Resource[]): boolean =>
  anyOf.some((resource) => principal.resources.has(resource))
