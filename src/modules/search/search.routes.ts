// HTTP surface of the search index: List orders.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { ListOrdersQuerySchema, ListOrdersSchema } from './search.schemas.ts'
import { listOrders } from './search.service.ts'

export const searchRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.get(
    '/api/oms/pvt/orders',
    {
      onRequest: guard({ anyOf: ['List Orders', 'Orders Full Access'] }),
      schema: {
        operationId: 'ListOrders',
        summary: 'List orders',
        tags: ['Orders'],
        querystring: ListOrdersQuerySchema,
        response: { 200: ListOrdersSchema, ...errorResponses(400) },
      },
    },
    async (request) => listOrders(deps, principalOf(request), request.query),
  )
}
