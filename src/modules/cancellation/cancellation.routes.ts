// HTTP surface of cancellation: the store's cancel (Orders section), the customer's request (Checkout) and the
// store's denial of it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, ReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { Nullable, OrderIdParams } from '../orders/order.schemas.ts'
import { cancelOrder, denyOrderCancellation, requestOrderCancellation } from './cancellation.service.ts'

const Reason = Type.Optional(Nullable(Type.String({ maxLength: 2000 })))

export const cancellationRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/oms/pvt/orders/:orderId/cancel',
    {
      onRequest: guard({ anyOf: ['Cancel order'], externalSellers: true }),
      schema: {
        operationId: 'CancelOrder',
        summary: 'Cancel order',
        description:
          "Cancels an order that has no invoice: the order's share of pending payments is voided, of approved ones refunded. Invoiced or partially invoiced orders answer 400.",
        tags: ['Orders'],
        params: OrderIdParams,
        body: Type.Object({ reason: Reason, requestedByUser: Type.Optional(Type.Boolean()) }),
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => cancelOrder(deps, principalOf(request), request.params.orderId, request.body),
  )

  app.post(
    '/api/checkout/pub/orders/:orderId/user-cancel-request',
    {
      // The customer's own route; of keys, only those that may cancel orders (Checkout Admin may not).
      onRequest: guard({ shoppers: true, anyOf: ['Cancel order'] }),
      schema: {
        summary: "Customer's cancellation request",
        description:
          "Called with the customer's token (or a key holding Cancel order). Cancels at once until the grace period is over; afterwards it records a request the store accepts (cancel) or denies.",
        tags: ['Cancellation'],
        params: OrderIdParams,
        body: Type.Object({ reason: Reason }),
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      requestOrderCancellation(deps, principalOf(request), request.params.orderId, request.body.reason),
  )

  app.post(
    '/api/orders/pvt/document/:orderId/deny-cancellation-request',
    {
      onRequest: guard({ anyOf: ['Cancel order'], externalSellers: true }),
      schema: {
        summary: 'Deny a cancellation request',
        description:
          'The order goes back to the status the request interrupted (ready-for-handling or handling).',
        tags: ['Cancellation'],
        params: OrderIdParams,
        body: Type.Object({
          cancellationRequestId: Type.String({ minLength: 1, maxLength: 100 }),
          denyReason: Reason,
        }),
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await denyOrderCancellation(deps, principalOf(request), request.params.orderId, request.body)
      return reply.status(200).send()
    },
  )
}
