// HTTP surface of Ordo as an external seller (VTEX's External Seller Fulfillment protocol): a marketplace places
// its orders here, then authorizes their fulfilment or cancels them (the fulfillment and cancellation modules'
// use cases).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteDeps } from '../../deps.ts'
import { AppError } from '../../platform/errors.ts'
import { errorResponses, ProtocolReceiptSchema } from '../../platform/http-schemas.ts'
import { principalOf } from '../../platform/principal.ts'
import { cancelByProtocol } from '../cancellation/cancellation.service.ts'
import { fulfillForMarketplace } from '../fulfillment/fulfillment.service.ts'
import {
  OrderRequestSchema,
  PlacementQuerySchema,
  PlacementResponseSchema,
  ProtocolPlacementSchema,
} from './placement.schemas.ts'
import { receivePlacement } from './intake.service.ts'

const SellerOrderParams = Type.Object({
  orderId: Type.String({
    minLength: 1,
    maxLength: 200,
    description: "The seller's order id, as the placement answered it.",
  }),
})

/** A key of the seller's account that places orders, as intake's. */
const PLACE = { anyOf: ['Orders Full Access', 'Change order'] } as const

export const sellerProtocolRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { deps, guard }) => {
  app.post(
    '/pvt/orders',
    {
      onRequest: guard(PLACE),
      schema: {
        operationId: 'OrderPlacement',
        summary: 'Order placement (External Seller Fulfillment)',
        description:
          "A marketplace places an order with this account as its seller: the seller's own order, numbered {affiliateId}-{marketplaceOrderId}, waits for the marketplace to authorize its fulfilment (POST /pvt/orders/{sellerOrderId}/fulfill). Placed again, it is answered with the same order.",
        tags: ['External Seller Fulfillment'],
        querystring: PlacementQuerySchema,
        body: ProtocolPlacementSchema,
        response: { 200: PlacementResponseSchema, ...errorResponses(400, 422) },
      },
    },
    async (request) => receivePlacement(deps, principalOf(request), request.body, request.query.affiliateId),
  )

  app.post(
    '/pvt/orders/:orderId/fulfill',
    {
      onRequest: guard({ anyOf: ['Change order workflow status'] }),
      schema: {
        operationId: 'AuthorizeFulfillment',
        summary: 'Authorize fulfillment (External Seller Fulfillment)',
        description:
          "The marketplace authorizes the seller's order it placed: it goes on to its grace period and then ready-for-handling. Sent again, it changes nothing.",
        tags: ['External Seller Fulfillment'],
        params: SellerOrderParams,
        body: OrderRequestSchema,
        response: { 200: ProtocolReceiptSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) =>
      fulfillForMarketplace(deps, principalOf(request), request.params.orderId, request.body),
  )

  app.post(
    '/pvt/orders/:orderId/cancel',
    {
      onRequest: guard({ anyOf: ['Cancel order'] }),
      schema: {
        operationId: 'MarketplaceOrderCancellation',
        summary: 'Marketplace order cancellation (External Seller Fulfillment)',
        description:
          "The marketplace cancels the seller's order it placed: at once up to the end of the seller's grace period (answered with the order), afterwards a request for the seller's store (answered with no body: evaluating). An order invoiced in whole or part is 400.",
        tags: ['External Seller Fulfillment'],
        params: SellerOrderParams,
        body: OrderRequestSchema,
        response: {
          200: Type.Unknown({
            description: 'The order, as fulfil answers it; or no body: the seller decides later.',
          }),
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { body } = request
      const canceled = await cancelByProtocol(deps, principalOf(request), request.params.orderId, {
        marketplaceOrderId: body.marketplaceOrderId,
        requestId: body.cancellationRequestId,
        reason: body.reason,
        requestedByUser: body.requestedByUser,
      })
      return canceled ? reply.send(canceled) : reply.status(200).send()
    },
  )

  app.post(
    '/pvt/orderForms/simulation',
    {
      onRequest: guard(PLACE),
      schema: {
        summary: 'Fulfillment simulation (External Seller Fulfillment)',
        description: 'Not answered: Ordo keeps no catalogue, prices or stock to simulate a cart with (501).',
        tags: ['External Seller Fulfillment'],
        response: { 501: Type.Unknown(), ...errorResponses() },
      },
    },
    () => {
      throw new AppError(
        'NOT_IMPLEMENTED',
        'Ordo keeps no catalogue, prices or stock, so it cannot simulate a cart: the marketplace prices its offers.',
      )
    },
  )
}
