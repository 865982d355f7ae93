// Wire format of the Payment section: the payment transaction with Ordo's payment statuses and money movements.
import { Type, type Static } from 'typebox'
import { PAYMENT_STATUSES, TRANSACTION_STATUSES } from '../orders/order-payment.ts'
import { LedgerEntrySchema, PaymentSchema } from '../orders/order.schemas.ts'

export const PaymentTransactionSchema = Type.Object({
  status: Type.Enum(TRANSACTION_STATUSES),
  isActive: Type.Boolean(),
  transactionId: Type.String(),
  merchantName: Type.String(),
  payments: Type.Array(
    Type.Intersect([
      PaymentSchema,
      Type.Object({
        status: Type.Enum(PAYMENT_STATUSES, {
          description: "Ordo: the payment as this order's share of it stands.",
        }),
      }),
    ]),
  ),
  events: Type.Array(LedgerEntrySchema),
})

export type PaymentTransaction = Static<typeof PaymentTransactionSchema>

export const PaymentParams = Type.Object({
  orderId: Type.String({ minLength: 1, maxLength: 100 }),
  paymentId: Type.String({ minLength: 1, maxLength: 100 }),
})

export const PaymentDenialBodySchema = Type.Object({
  reason: Type.Optional(
    Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
      description:
        "Why the gateway refused it; the orders' cancellationData.Reason. Default: the payment was denied.",
    }),
  ),
})
