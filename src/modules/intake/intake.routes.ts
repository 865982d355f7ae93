// HTTP surface of Ordo's order intake: POST /api/oms/pvt/orders.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, sendJsonText, sendsJsonText } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderDocumentSchema } from '../orders/order.schemas.ts'
import { IntakeBodySchema } from './intake.schemas.ts'
import { placeOrder } from './intake.service.ts'

export const intakeRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/oms/pvt/orders',
    {
      onRequest: guard({ anyOf: ['Orders Full Access', 'Change order'] }),
      ...sendsJsonText,
      schema: {
        operationId: 'PlaceOrder',
        summary: 'Place an order (Ordo)',
        description:
          'Ordo: places an order, split into one order per seller in one order group. Retrying with the same Idempotency-Key header or marketplaceOrderId returns the first result.',
        tags: ['Ordo'],
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        }),
        body: IntakeBodySchema,
        response: {
          201: Type.Object({ orderGroup: Type.String(), orders: Type.Array(OrderDocumentSchema) }),
          ...errorResponses(400, 413, 422),
        },
      },
    },
    async (request, reply) => {
      const placed = await placeOrder(
        deps,
        principalOf(request),
        request.body,
        request.headers['idempotency-key'],
      )
      reply.status(201).header('idempotent-replayed', String(!placed.created))
      return sendJsonText(
        reply,
        `{"orderGroup":${JSON.stringify(placed.orderGroup)},"orders":[${placed.documents.join(',')}]}`,
      )
    },
  )
}
