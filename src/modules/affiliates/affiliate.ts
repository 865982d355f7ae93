// The marketplaces elsewhere an account sells for as an external seller, each known by the affiliate id its
// placements carry (?affiliateId=, which numbers the seller's orders {affiliateId}-…): where the account pushes
// its invoices, tracking and cancellations of their orders, and the credentials it sends. Pure.
import { validationFailed } from '../../platform/errors.ts'
import type { AffiliateBody, AffiliateDocument } from './affiliate.schemas.ts'

export interface Affiliate {
  id: string
  name: string
  /** The marketplace's Orders API base (`…/api/oms`); null: the placement's marketplaceServicesEndpoint. */
  servicesEndpoint: string | null
  headers: Record<string, string>
  createdAt: string
  updatedAt: string
}

/** As the placement's affiliateId query takes it, and as it leads the seller's order ids. */
export const AFFILIATE_ID_PATTERN = '^[A-Za-z0-9]{1,20}$'
export const MAX_AFFILIATE_NAME = 200

export function checkAffiliate(id: string, body: AffiliateBody): void {
  if (!new RegExp(AFFILIATE_ID_PATTERN).test(id)) {
    throw validationFailed(`An affiliate id is 1 to 20 letters and digits, not ${JSON.stringify(id)}.`)
  }
  if (body.name.length === 0 || body.name.length > MAX_AFFILIATE_NAME) {
    throw validationFailed(`Invalid request body: name must be 1 to ${MAX_AFFILIATE_NAME} characters long.`)
  }
}

export const affiliateDocument = (affiliate: Affiliate): AffiliateDocument => ({
  id: affiliate.id,
  name: affiliate.name,
  ...(affiliate.servicesEndpoint !== null && { servicesEndpoint: affiliate.servicesEndpoint }),
  headers: affiliate.headers,
  createdAt: affiliate.createdAt,
  updatedAt: affiliate.updatedAt,
})
