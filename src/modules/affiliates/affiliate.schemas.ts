// Wire format of an account's affiliates: the marketplaces elsewhere it sells for (Ordo's own).
import { Type, type Static } from 'typebox'
import { OutboundHeadersSchema } from '../../platform/http-schemas.ts'
import { AFFILIATE_ID_PATTERN, MAX_AFFILIATE_NAME } from './affiliate.ts'

export const AffiliateParams = Type.Object({
  affiliateId: Type.String({
    pattern: AFFILIATE_ID_PATTERN,
    description:
      "The affiliate id the marketplace's placements carry (?affiliateId=): 1 to 20 letters and digits.",
  }),
})

export const AffiliateBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: MAX_AFFILIATE_NAME }),
  servicesEndpoint: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        "The marketplace's Orders API base, such as https://{account}.vtexcommercestable.com.br/api/oms. Without it, the placement's marketplaceServicesEndpoint. https unless the account setting allowInsecureHooks allows plain http.",
    }),
  ),
  headers: Type.Optional(
    OutboundHeadersSchema(
      'Headers sent with every call to the marketplace: its credentials for this seller (X-VTEX-API-AppKey and X-VTEX-API-AppToken, for VTEX or Ordo).',
    ),
  ),
})
export type AffiliateBody = Static<typeof AffiliateBodySchema>

export const AffiliateSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  servicesEndpoint: Type.Optional(Type.String()),
  headers: Type.Record(Type.String(), Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type AffiliateDocument = Static<typeof AffiliateSchema>

export const AffiliateListSchema = Type.Object({ list: Type.Array(AffiliateSchema) })
