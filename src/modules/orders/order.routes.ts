// HTTP surface of the order core: Get order (by id or sequence) and the orders of an order group.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, sendJsonText, sendsJsonText } from '../../platform/http-schemas.ts'
import { andThen } from '../../platform/maybe-promise.ts'
import { principalOf } from '../../platform/principal.ts'
import { GroupOrderDocumentSchema, OrderDocumentSchema, OrderIdParams } from './order.schemas.ts'
import * as orders from './order.service.ts'

export const orderRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const viewOrder = guard({ anyOf: ['View order', 'Orders Full Access'] })

  app.get(
    '/api/oms/pvt/orders/:orderId',
    {
      onRequest: viewOrder,
      ...sendsJsonText,
      schema: {
        operationId: 'GetOrder',
        summary: 'Get order',
        tags: ['Orders'],
        params: OrderIdParams,
        response: { 200: OrderDocumentSchema, ...errorResponses(404) },
      },
    },
    // Stored bytes go out as they are: the document was rendered when the order last changed. Not an async
    // handler, so a document in memory goes out in the tick the request arrived in.
    (request, reply) =>
      andThen(orders.getOrderDocument(deps, principalOf(request), request.params.orderId), (document) => {
        sendJsonText(reply, document)
      }),
  )

  app.get(
    '/api/oms/pvt/orders/order-group/:orderGroup',
    {
      onRequest: viewOrder,
      ...sendsJsonText,
      schema: {
        summary: 'Get orders by order group ID',
        tags: ['Orders'],
        params: Type.Object({ orderGroup: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.Array(GroupOrderDocumentSchema), ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      sendJsonText(
        reply,
        JSON.stringify(await orders.getGroupDocuments(deps, principalOf(request), request.params.orderGroup)),
      ),
  )
}
