// Wire format of an account's sellers (Ordo's own: VTEX keeps them in its Seller Management, which has no
// public equivalent here).
import { Type, type Static } from 'typebox'
import { OutboundHeadersSchema } from '../../platform/http-schemas.ts'
import { MAX_SELLER_NAME, SELLER_ID_PATTERN } from './seller.ts'

const SellerId = Type.String({
  pattern: SELLER_ID_PATTERN,
  description: 'The id orders name in `items[].seller`: letters, digits, `.`, `_` and `-`, at most 128.',
})

export const SellerParams = Type.Object({ sellerId: SellerId })

export const SellerBodySchema = Type.Object({
  name: Type.String({
    minLength: 1,
    maxLength: MAX_SELLER_NAME,
    description: 'The name orders of this seller show.',
  }),
  account: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 63,
      description: 'The Ordo account on this server that fulfils.',
    }),
  ),
  appKey: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        "With account: a key of that account that may place orders (Orders Full Access or Change order), the seller's consent. Checked, not kept.",
    }),
  ),
  appToken: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  fulfillmentEndpoint: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        "An external seller's base URL for the External Seller Fulfillment protocol; https unless the account setting allowInsecureHooks allows plain http.",
    }),
  ),
  headers: Type.Optional(
    OutboundHeadersSchema('Headers sent with every call to the seller (its credentials, usually).'),
  ),
  callbackAppKey: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        "With fulfillmentEndpoint: a key of this account that the seller calls this server's Orders API with. Its invoices, tracking and cancellations on the orders of this seller are the seller's: an invoice completes the marketplace order (and refuses a pending cancellation request), a cancel is the seller's (and accepts one). One key per seller.",
    }),
  ),
})
export type SellerBody = Static<typeof SellerBodySchema>

export const SellerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  account: Type.Optional(
    Type.String({ description: 'Set for seller 1 (the account itself) and Ordo accounts.' }),
  ),
  fulfillmentEndpoint: Type.Optional(Type.String({ description: 'Set for external sellers.' })),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  callbackAppKey: Type.Optional(Type.String({ description: 'Set for external sellers that call back.' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type SellerDocument = Static<typeof SellerSchema>

export const SellerListSchema = Type.Object({ list: Type.Array(SellerSchema) })
