// Wire format of VTEX's change seller (PUT /api/checkout/pvt/orders/{orderId}/sellers).
import { Type, type Static } from 'typebox'
import { DELIVERY_CHANNELS, MAX_TOTAL } from '../orders/order.ts'

export const ChangeSellerBodySchema = Type.Object({
  newSellerId: Type.String({
    minLength: 1,
    maxLength: 128,
    description: 'A seller the account registered, other than 1 and than the sellers the order has had.',
  }),
  marketplacePaymentValue: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_TOTAL,
      description:
        "Cents the marketplace pays the new seller. Ordo has no commissions: the placement sends the order's value, and this is checked, not used.",
    }),
  ),
  shippingData: Type.Optional(
    Type.Object({
      logisticsInfo: Type.Array(
        Type.Object({
          itemIndex: Type.Integer({ minimum: 0, maximum: 10_000 }),
          selectedSla: Type.String({ minLength: 1, maxLength: 200 }),
          selectedDeliveryChannel: Type.Optional(Type.Enum(DELIVERY_CHANNELS)),
        }),
        { maxItems: 500, description: "The new seller's delivery of each item it changes." },
      ),
    }),
  ),
})
export type ChangeSellerBody = Static<typeof ChangeSellerBodySchema>
