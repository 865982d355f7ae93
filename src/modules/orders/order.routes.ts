// HTTP surface of the Orders section of the reference (get, group, start-handling, cancel, interactions) and
// Ordo's order timeline. Handlers only translate between HTTP and the services.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import { errorResponses, ReceiptSchema, sendJsonText } from '../../platform/http-schemas.ts'
import { principalOf } from '../access/access.guard.ts'
import type { RouteDeps } from '../../deps.ts'
import * as log from './order-log.service.ts'
import { Nullable, OrderDocumentSchema, OrderIdParams } from './order.schemas.ts'
import * as orders from './order.service.ts'

export const orderRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const viewOrder = guard({ anyOf: ['View order', 'Orders Full Access'] })

  app.get(
    '/api/oms/pvt/orders/:orderId',
    {
      onRequest: viewOrder,
      schema: {
        operationId: 'GetOrder',
        summary: 'Get order',
        tags: ['Orders'],
        params: OrderIdParams,
        response: { 200: OrderDocumentSchema, ...errorResponses(404) },
      },
    },
    // Stored bytes go out as they are: the document was rendered when the order last changed.
    async (request, reply) =>
      sendJsonText(
        reply as FastifyReply,
        await orders.getOrderDocument(deps, principalOf(request), request.params.orderId),
      ),
  )

  app.get(
    '/api/oms/pvt/orders/order-group/:orderGroup',
    {
      onRequest: viewOrder,
      schema: {
        summary: 'Get orders by order group ID',
        tags: ['Orders'],
        params: Type.Object({ orderGroup: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Array(OrderDocumentSchema), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const documents = await orders.getGroupDocuments(deps, principalOf(request), request.params.orderGroup)
      return sendJsonText(reply, `[${documents.join(',')}]`)
    },
  )

  app.post(
    '/api/oms/pvt/orders/:orderId/start-handling',
    {
      onRequest: guard({ anyOf: ['Change order workflow status'] }),
      schema: {
        operationId: 'StartHandling',
        summary: 'Start handling order',
        description: 'Moves a ready-for-handling order to handling. Any other status answers 409 OMS003.',
        tags: ['Orders'],
        params: OrderIdParams,
        response: { 204: Type.Unknown({ description: 'No content.' }), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      await orders.startHandling(deps, principalOf(request), request.params.orderId)
      return reply.status(204).send()
    },
  )

  app.post(
    '/api/oms/pvt/orders/:orderId/cancel',
    {
      onRequest: guard({ anyOf: ['Cancel order'] }),
      schema: {
        operationId: 'CancelOrder',
        summary: 'Cancel order',
        description:
          'Cancels an order that has no invoice: pending payments are voided, approved ones refunded. Invoiced or partially invoiced orders answer 400.',
        tags: ['Orders'],
        params: OrderIdParams,
        body: Type.Object({
          reason: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          requestedByUser: Type.Optional(Type.Boolean()),
        }),
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => orders.cancelOrder(deps, principalOf(request), request.params.orderId, request.body),
  )

  app.post(
    '/api/oms/pvt/orders/:orderId/interactions',
    {
      onRequest: guard({ anyOf: ['Orders Full Access'] }),
      schema: {
        operationId: 'AddLog',
        summary: 'Add log in orders',
        tags: ['Orders'],
        params: OrderIdParams,
        body: Type.Object({
          source: Type.String({ minLength: 1, maxLength: 200 }),
          message: Type.String({ minLength: 1, maxLength: 10_000 }),
        }),
        response: { 200: ReceiptSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => log.addInteraction(deps, principalOf(request), request.params.orderId, request.body),
  )

  app.get(
    '/api/ordo/pvt/orders/:orderId/timeline',
    {
      onRequest: viewOrder,
      schema: {
        summary: "An order's timeline",
        description:
          'Ordo: every transition, interaction and customer message of the order, oldest first, with who caused it.',
        tags: ['Ordo'],
        params: OrderIdParams,
        response: {
          200: Type.Object({
            orderId: Type.String(),
            status: Type.String(),
            entries: Type.Array(
              Type.Object({
                type: Type.Union([
                  Type.Literal('transition'),
                  Type.Literal('interaction'),
                  Type.Literal('message'),
                ]),
                date: Type.String(),
                domain: Type.Optional(Type.String()),
                state: Type.Optional(Type.String()),
                lastState: Type.Optional(Type.Union([Type.String(), Type.Null()])),
                source: Type.Optional(Type.String()),
                message: Type.Optional(Type.String()),
                subject: Type.Optional(Type.String()),
                to: Type.Optional(Type.String()),
                by: Type.Optional(Type.Union([Type.String(), Type.Null()])),
              }),
            ),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => log.getTimeline(deps, principalOf(request), request.params.orderId),
  )
}
