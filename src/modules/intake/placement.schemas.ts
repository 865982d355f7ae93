// Wire format of the External Seller Fulfillment protocol's order placement (POST /pvt/orders), as a marketplace
// sends it to Ordo as its seller: the fields Ordo uses, checked as intake checks its own; the rest (commissions,
// attachments, marketing data) accepted and ignored.
import { Type, type Static } from 'typebox'
import { MAX_ITEMS } from './intake.ts'
import {
  IntakeAddressSchema,
  IntakeBodySchema,
  IntakeItemSchema,
  IntakeLogisticsSchema,
} from './intake.schemas.ts'

const { name: _name, seller: _seller, ...itemFields } = IntakeItemSchema.properties

export const ProtocolItemSchema = Type.Object({
  ...itemFields,
  seller: Type.String({ minLength: 1, maxLength: 128, description: "The seller's id at the marketplace." }),
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'Ordo: the item name, which a marketplace without a catalogue of the seller sends along.',
    }),
  ),
  commission: Type.Optional(Type.Number()),
  freightCommission: Type.Optional(Type.Number()),
})

const { shippingEstimate, ...logisticsFields } = IntakeLogisticsSchema.properties

// The protocol sends the fields a customer has no value for as null.
const NullableText = (maxLength: number) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]))
const { email, firstName, isCorporate } = IntakeBodySchema.properties.clientProfileData.properties
const ProtocolClientSchema = Type.Object({
  email,
  firstName,
  isCorporate,
  lastName: NullableText(200),
  document: NullableText(50),
  documentType: NullableText(20),
  phone: NullableText(50),
  corporateName: NullableText(200),
  tradeName: NullableText(200),
  corporateDocument: NullableText(50),
  stateInscription: NullableText(50),
  corporatePhone: NullableText(50),
})

export const ProtocolPlacementSchema = Type.Object({
  // With the affiliate id in front, the seller's order id stays within what the order routes take (100).
  marketplaceOrderId: Type.String({ minLength: 1, maxLength: 64 }),
  marketplaceServicesEndpoint: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  marketplacePaymentValue: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000_000_000 })),
  items: Type.Array(ProtocolItemSchema, { minItems: 1, maxItems: MAX_ITEMS }),
  clientProfileData: ProtocolClientSchema,
  shippingData: Type.Object({
    address: IntakeAddressSchema,
    logisticsInfo: Type.Array(
      Type.Object({ ...logisticsFields, shippingEstimate: Type.Optional(shippingEstimate) }),
      { minItems: 1, maxItems: MAX_ITEMS },
    ),
  }),
  paymentData: Type.Optional(Type.Union([Type.Null(), Type.Object({})])),
  openTextField: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
})
export type ProtocolPlacement = Static<typeof ProtocolPlacementSchema>

export const PlacementQuerySchema = Type.Object({
  sc: Type.Optional(Type.String({ maxLength: 20, description: 'The sales channel at the marketplace.' })),
  affiliateId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 20,
      description:
        "The marketplace's affiliate id: the seller's order is numbered {affiliateId}-{marketplaceOrderId}.",
    }),
  ),
})

export const PlacementResponseSchema = Type.Object({
  marketplaceOrderId: Type.String(),
  orderId: Type.String({ description: "The seller's order id, which fulfil and cancel name." }),
  followUpEmail: Type.String(),
  items: Type.Array(ProtocolItemSchema),
  clientProfileData: Type.Unknown(),
  shippingData: Type.Unknown(),
  paymentData: Type.Null(),
  customData: Type.Object({ openTextField: Type.Union([Type.String(), Type.Null()]) }),
  allowMultipleDeliveries: Type.Boolean(),
})

/** The fulfil and cancel requests (the protocol's requestOrderId); Ordo reads the marketplace's order id and why. */
export const OrderRequestSchema = Type.Object({
  marketplaceOrderId: Type.Optional(Type.String({ maxLength: 128 })),
  marketplaceOrderGroup: Type.Optional(Type.String({ maxLength: 128 })),
  cancellationRequestId: Type.Optional(Type.String({ maxLength: 128 })),
  reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  requestedByUser: Type.Optional(Type.Boolean()),
})
export type OrderRequest = Static<typeof OrderRequestSchema>
