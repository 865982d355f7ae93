// HTTP surface of the Payment section of the reference: the transaction and payment notifications.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import { PaymentDenialBodySchema, PaymentParams, PaymentTransactionSchema } from './payment.schemas.ts'
import { denyPaymentOf, getPaymentTransaction, notifyPayment } from './payment.service.ts'

export const paymentRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.get(
    '/api/oms/pvt/orders/:orderId/payment-transaction',
    {
      // The reference lists View order alone here, unlike Get order: Orders Full Access does not reach payments.
      onRequest: guard({ anyOf: ['View order'] }),
      schema: {
        operationId: 'GetPaymenttransaction',
        summary: 'Retrieve payment transaction',
        description:
          "The reference shape, plus Ordo's `payments[].status` and `events` (approvals, voids, refunds).",
        tags: ['Payment'],
        params: OrderIdParams,
        response: {
          200: PaymentTransactionSchema,
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
          "Approves one payment of the order group's transaction for every order of the group; once every payment is approved the orders move to payment-approved.",
        tags: ['Payment'],
        params: PaymentParams,
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await notifyPayment(deps, principalOf(request), request.params.orderId, request.params.paymentId)
      return reply.status(200).send()
    },
  )

  app.post(
    '/api/ordo/pvt/orders/:orderId/payments/:paymentId/payment-denial',
    {
      onRequest: guard({ anyOf: ['Notify payment'] }),
      schema: {
        summary: 'Send payment denial (Ordo)',
        description:
          "For a payment gateway integration: the gateway refused one payment of the order group's transaction. Every order of the group that still holds a share of it goes to payment-denied, then cancel and canceled, with its share voided. A payment already approved is 400 OMS010: cancel the order to refund it.",
        tags: ['Ordo'],
        params: PaymentParams,
        body: PaymentDenialBodySchema,
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { orderId, paymentId } = request.params
      await denyPaymentOf(deps, principalOf(request), orderId, paymentId, request.body.reason ?? null)
      return reply.status(200).send()
    },
  )
}
