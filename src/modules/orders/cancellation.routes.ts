// HTTP surface of cancellation requests: the customer's request (Checkout) and the store's denial.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, ReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../access/access.guard.ts'
import { Nullable, OrderIdParams } from './order.schemas.ts'
import { denyCancellation, requestCancellation } from './order.service.ts'

export const cancellationRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/checkout/pub/orders/:orderId/user-cancel-request',
    {
      onRequest: guard({ shoppers: true, anyOf: ['Orders Full Access'] }),
      schema: {
        summary: "Customer's cancellation request",
        description:
          "Called with the customer's token. Cancels at once until the grace period is over; afterwards it records a request the store accepts (cancel) or denies.",
        tags: ['Cancellation'],
        params: OrderIdParams,
        body: Type.Object({ reason: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }),
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      requestCancellation(deps, principalOf(request), request.params.orderId, request.body.reason),
  )

  app.post(
    '/api/orders/pvt/document/:orderId/deny-cancellation-request',
    {
      onRequest: guard({ anyOf: ['Cancel order'] }),
      schema: {
        summary: 'Deny a cancellation request',
        description:
          'The order goes back to the status the request interrupted (ready-for-handling or handling).',
        tags: ['Cancellation'],
        params: OrderIdParams,
        body: Type.Object({
          cancellationRequestId: Type.String({ minLength: 1, maxLength: 100 }),
          denyReason: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
        }),
        response: { 200: Type.Unknown({ description: 'Empty body.' }), ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await denyCancellation(deps, principalOf(request), request.params.orderId, request.body)
      return reply.status(200).send()
    },
  )
}
