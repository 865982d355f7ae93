// HTTP surface of the Payment section of the reference: the transaction and payment notifications.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../access/access.guard.ts'
import { getPaymentTransaction } from './order-log.service.ts'
import { OrderIdParams, PaymentSchema } from './order.schemas.ts'
import { notifyPayment } from './order.service.ts'

const PaymentEventSchema = Type.Object({
  type: Type.Union([Type.Literal('approval'), Type.Literal('void'), Type.Literal('refund')]),
  paymentId: Type.String(),
  value: Type.Integer(),
  date: Type.String(),
})

export const paymentRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.get(
    '/api/oms/pvt/orders/:orderId/payment-transaction',
    {
      onRequest: guard({ anyOf: ['View order', 'Orders Full Access'] }),
      schema: {
        operationId: 'GetPaymenttransaction',
        summary: 'Retrieve payment transaction',
        description:
          "The reference shape, plus Ordo's `payments[].status` and `events` (approvals, voids, refunds).",
        tags: ['Payment'],
        params: OrderIdParams,
        response: {
          200: Type.Object({
            status: Type.String(),
            isActive: Type.Boolean(),
            transactionId: Type.String(),
            merchantName: Type.String(),
            payments: Type.Array(
              Type.Intersect([
                PaymentSchema,
                Type.Object({
                  status: Type.String({ description: 'Ordo: pending, approved, voided or refunded.' }),
                }),
              ]),
            ),
            events: Type.Array(PaymentEventSchema),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => getPaymentTransaction(deps, principalOf(request), request.params.orderId),
  )

  app.post(
    '/api/oms/pvt/orders/:orderId/payments/:paymentId/payment-notification',
    {
      onRequest: guard({ anyOf: ['Notify payment'] }),
      schema: {
        operationId: 'SendPaymentNotification',
        summary: 'Send payment notification',
        description:
          'Approves one payment; once every payment of the order is approved the order moves to payment-approved.',
        tags: ['Payment'],
        params: Type.Object({
          orderId: Type.String({ minLength: 1, maxLength: 100 }),
          paymentId: Type.String({ minLength: 1, maxLength: 100 }),
        }),
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await notifyPayment(deps, principalOf(request), request.params.orderId, request.params.paymentId)
      return reply.status(200).send()
    },
  )
}
