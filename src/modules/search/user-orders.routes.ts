// HTTP surface of the user orders (My Account): a customer's orders and one of them, for shopper tokens, and for
// the account's keys and users that may look at any customer's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, sendJsonText, sendsJsonText } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderDocumentSchema, OrderIdParams } from '../orders/order.schemas.ts'
import { UserOrdersQuerySchema, UserOrdersSchema } from './search.schemas.ts'
import { getUserOrderDocument, listUserOrders } from './search.service.ts'

export const userOrderRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  const customerOrders = guard({
    anyOf: ['View order', 'ViewMyContractOrders', 'ViewMyOrgUnitOrders'],
    shoppers: true,
  })

  app.get(
    '/api/oms/user/orders',
    {
      onRequest: customerOrders,
      schema: {
        operationId: 'Userorderslist',
        summary: "Retrieve user's orders",
        tags: ['User orders'],
        querystring: UserOrdersQuerySchema,
        response: { 200: UserOrdersSchema, ...errorResponses(400) },
      },
    },
    async (request) => listUserOrders(deps, principalOf(request), request.query),
  )

  app.get(
    '/api/oms/user/orders/:orderId',
    {
      onRequest: customerOrders,
      ...sendsJsonText,
      schema: {
        operationId: 'Userorderdetails',
        summary: 'Retrieve user order details',
        tags: ['User orders'],
        params: OrderIdParams,
        response: { 200: OrderDocumentSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      sendJsonText(
        reply as FastifyReply,
        await getUserOrderDocument(deps, principalOf(request), request.params.orderId),
      ),
  )
}
