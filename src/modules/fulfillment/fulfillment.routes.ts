// HTTP surface of fulfilment: start handling (Orders section of the reference).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import { startOrderHandling } from './fulfillment.service.ts'

export const fulfillmentRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
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
      await startOrderHandling(deps, principalOf(request), request.params.orderId)
      return reply.status(204).send()
    },
  )
}
