// HTTP surface of Register modifications on order (v1, the Orders section of the reference).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, ReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import { ChangeBodySchema } from './change.schemas.ts'
import { registerOrderChange } from './change.service.ts'

export const changeRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/api/oms/pvt/orders/:orderId/changes',
    {
      onRequest: guard({ anyOf: ['Orders Full Access', 'Cancel order', 'Change order'] }),
      schema: {
        operationId: 'RegisterChange',
        summary: 'Register modifications on order',
        description:
          'While the order is handling: removes and adds items, applies a discount or an increment; totals, value and payments follow (a decrease is refunded, an increase charged). A repeated requestId answers with the first receipt and changes nothing. At most 50 per order.',
        tags: ['Orders'],
        params: OrderIdParams,
        body: ChangeBodySchema,
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => registerOrderChange(deps, principalOf(request), request.params.orderId, request.body),
  )
}
