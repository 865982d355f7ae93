// Wire format of Register modifications (v1): VTEX's body, bounded; the rules give VTEX's own messages for
// negative values and a missing reason, so the schema lets those through to them.
import { Type, type Static, type TSchema } from 'typebox'
import { Nullable } from '../orders/order.schemas.ts'

const Cents = Type.Integer({ minimum: -100_000_000_000, maximum: 100_000_000_000 })

const Units = <Price extends TSchema>(price: Price) =>
  Type.Array(
    Type.Object({
      id: Type.String({ minLength: 1, maxLength: 128, description: 'SKU id.' }),
      price,
      quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    }),
    { maxItems: 100 },
  )

export const ChangeBodySchema = Type.Object({
  requestId: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'Only the first modification with a given requestId takes effect on an order.',
  }),
  reason: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  discountValue: Type.Optional(Cents),
  incrementValue: Type.Optional(Cents),
  itemsAdded: Type.Optional(Nullable(Units(Cents))),
  itemsRemoved: Type.Optional(
    Nullable(
      Units(Type.Optional(Type.Integer({ description: 'Ignored: units leave at the order’s own price.' }))),
    ),
  ),
})
export type ChangeBody = Static<typeof ChangeBodySchema>
