// HTTP surface of VTEX's change seller: the marketplace gives one of its orders to another seller.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteDeps } from '../../deps.ts'
import { errorResponses, ReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { OrderIdParams } from '../orders/order.schemas.ts'
import { ChangeSellerBodySchema } from './change-seller.schemas.ts'
import { changeOrderSeller } from './marketplace.service.ts'

export const changeSellerRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.put(
    '/api/checkout/pvt/orders/:orderId/sellers',
    {
      onRequest: guard({ anyOf: ['Change order', 'Orders Full Access'] }),
      schema: {
        summary: 'Change seller',
        description:
          'Gives a marketplace order to another registered seller: in waiting-for-authorization or payment-pending, or in window-to-change-seller after its seller canceled it. The seller it leaves has its order canceled, the new one gets the placement, and the order goes back to waiting-for-authorization; approved payments stay approved. Answered with a receipt; 409 in any other status.',
        tags: ['Change seller'],
        params: OrderIdParams,
        body: ChangeSellerBodySchema,
        response: { 200: ReceiptSchema, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => changeOrderSeller(deps, principalOf(request), request.params.orderId, request.body),
  )
}
