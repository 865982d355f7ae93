// Who is calling and what they may do: the vocabulary every route and use case shares. The access module
// decides who a request's principal is; routes read it here.
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import type { IncomingMessage } from 'node:http'

/** License Manager resources (reference §3a): what a credential may do. */
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

export interface Principal {
  /** The account every query is scoped to. */
  account: string
  /** The AppKey behind the request (also for tokens minted from a key); null for shopper tokens. */
  appKey: string | null
  roles: readonly string[]
  resources: ReadonlySet<Resource>
  /** Set for shopper tokens: the customer whose orders this credential may act on. */
  shopperEmail: string | null
}

/** Any one of the listed resources is enough, as the reference's permission tables say. */
export const canAccess = (principal: Principal, anyOf: readonly Resource[]): boolean =>
  anyOf.some((resource) => principal.resources.has(resource))

export interface GuardOptions {
  /** Any one resource is enough. */
  anyOf?: readonly Resource[]
  /** Shopper tokens may call the route; the service checks that the order is theirs. */
  shoppers?: boolean
  /**
   * An external seller's callback key may call the route, for the orders its seller fulfils (the service decides
   * as that seller). Without it the key is refused, whatever resources its role holds.
   */
  externalSellers?: boolean
}

/** Builds a route's onRequest hook: 401 without valid credentials, 403 without the resource or for another account. */
export type Guard = (options: GuardOptions) => onRequestHookHandler

/**
 * The guard's decision on a request not yet routed, taken from memory alone: the principal when the route's guard
 * would admit it, undefined when it would refuse or must look something up (the route then decides).
 */
export type AdmitAtOnce = (request: IncomingMessage, options: GuardOptions) => Principal | undefined

/**
 * Where a guarded request keeps its principal. app.ts declares it on every request (Fastify's
 * decorateRequest), so requests keep one shape and setting it is cheap.
 */
export const PRINCIPAL = Symbol('principal')

interface WithPrincipal {
  [PRINCIPAL]: Principal | null
}

export function attachPrincipal(request: FastifyRequest, principal: Principal): void {
  ;(request as FastifyRequest & WithPrincipal)[PRINCIPAL] = principal
}

/** The caller of a guarded route. Routes without a guard have none. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = (request as FastifyRequest & Partial<WithPrincipal>)[PRINCIPAL]
  if (!principal) throw new Error('principalOf() called on a route without a guard')
  return principal
}
